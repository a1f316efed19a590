export type { Config } from './config.js';
export { environmentWith, loadConfig, requireKeys } from './load-config.js';
export { Keyring } from '../trade/keyring.js';
export { parseDashboardUsers, type DashboardRole, type DashboardUser } from './dashboard-users.js';
