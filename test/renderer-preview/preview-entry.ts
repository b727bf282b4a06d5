// PREVIEW ONLY: install the simulated API, then boot the real renderer entry.
import './install-fake';
import '../../renderer/src/main';
