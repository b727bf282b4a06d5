// The typed HeartwireApi façade over a dispatch function: one method per command,
// rejecting with CommandFailure (kind, field) instead of returning an outcome.
import { unwrapOutcome } from '../../../shared/command-failure';
import { COMMAND_NAMES, type CommandName, type CommandOutcome, type HeartwireApi, type UpdateBatch } from '../../../shared/contract';

export type Dispatch = <K extends CommandName>(name: K, args: unknown) => Promise<CommandOutcome<K>>;

export function makeApi(dispatch: Dispatch, onUpdate: (listener: (batch: UpdateBatch) => void) => () => void): HeartwireApi {
  const api: Record<string, unknown> = { onUpdate };
  for (const name of COMMAND_NAMES) {
    api[name] = async (args: unknown) => unwrapOutcome(await dispatch(name, args));
  }
  return Object.freeze(api) as HeartwireApi;
}
