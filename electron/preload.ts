/**
 * The preload: a thin bridge exposing one named function per contract
 * channel as window.credence. No logic, and never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES, ipcChannel, type ChannelName } from '../shared/channels.js';

type Invoke = (input: unknown, session?: string) => Promise<unknown>;

const api: Record<ChannelName, Invoke> = Object.fromEntries(
  CHANNEL_NAMES.map((name) => [name, (input: unknown, session?: string) => ipcRenderer.invoke(ipcChannel(name), input, session)] as const),
) as Record<ChannelName, Invoke>;

contextBridge.exposeInMainWorld('credence', api);
