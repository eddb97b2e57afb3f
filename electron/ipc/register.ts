/**
 * Transport 1: every channel of the contract registered with ipcMain.handle,
 * answered only for the app's own main frame, through the same dispatch as
 * the HTTP bridge.
 */
import { CHANNEL_NAMES, ipcChannel } from '../../shared/channels.js';
import type { Reply } from '../../shared/contract.js';
import { isTrustedSender, type FrameLike } from '../shell/security.js';
import { dispatch } from './dispatch.js';
import type { Caller, HandlerContext } from './handlers.js';

/** The part of Electron's ipcMain this needs; tests pass a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: FrameLike | null }, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export function registerIpcHandlers(ipcMain: IpcMainLike, ctx: HandlerContext, caller: () => Caller): () => void {
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, input): Promise<Reply<unknown>> => {
      if (!isTrustedSender(event.senderFrame)) {
        return { ok: false, error: { code: 'forbidden', message: 'calls are accepted only from the Credence window' } };
      }
      return dispatch(name, input, ctx, caller());
    });
  }
  return () => CHANNEL_NAMES.forEach((name) => ipcMain.removeHandler(ipcChannel(name)));
}
