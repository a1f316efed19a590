/** The operator dashboard: Express app factory, server start, password hashing. */
export { createDashboard, createDashboardApp, BOARD_PATH, type DashboardDeps } from './create-dashboard-app.js';
export { startDashboard, type RunningDashboard } from './start-dashboard.js';
export { hashPassword, verifyPassword } from './auth/password-hash.js';
