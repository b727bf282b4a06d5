import { createFakeApi } from './fake-heartwire';

const params = new URLSearchParams(location.search);
if (!params.has('browser')) (window as Window & { heartwire?: unknown }).heartwire = createFakeApi({ peers: Number(params.get('peers') ?? 8) });
