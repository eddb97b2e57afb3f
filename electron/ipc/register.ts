/**
 * Transport 1: every channel of the contract registered with ipcMain.handle,
 * answered only for the app's own main frame, through the same dispatch as
 * the HTTP bridge.
 */
import { CHANNEL_NAMES, ipcChannel } from '../../shared/channels.js';
import type { Reply } from '../../shared/contract.js';
import { keyed } from '../../shared/englishText.js';
import { isTrustedSender, type FrameLike } from '../shell/security.js';
import { dispatchFromSession } from './dispatch.js';
import type { HandlerContext } from './handlers.js';

/** The part of Electron's ipcMain this needs; tests pass a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: FrameLike | null }, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export function registerIpcHandlers(ipcMain: IpcMainLike, ctx: HandlerContext): () => void {
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, input, session): Promise<Reply<unknown>> => {
      if (!isTrustedSender(event.senderFrame)) {
        return { ok: false, error: { code: 'forbidden', ...keyed('bridge.otherWindow') } };
      }
      return dispatchFromSession(name, input, ctx, typeof session === 'string' ? session : undefined);
    });
  }
  return () => CHANNEL_NAMES.forEach((name) => ipcMain.removeHandler(ipcChannel(name)));
}
