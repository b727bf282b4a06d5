import { SHORTCUTS } from '../lib/shortcuts';
import { Modal } from './modal';

export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <td>
                <kbd>{s.label}</kbd>
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>Esc</kbd>
            </td>
            <td>Close a dialog or menu; clear the focused filter</td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">Shortcuts are ignored while you type in a field.</p>
    </Modal>
  );
}
