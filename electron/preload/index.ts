// Sandboxed preload (bundled into one CJS file that requires nothing but 'electron'):
// exposes the contract as window.heartwire and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createHeartwireApi } from './api';

contextBridge.exposeInMainWorld('heartwire', createHeartwireApi(ipcRenderer));
