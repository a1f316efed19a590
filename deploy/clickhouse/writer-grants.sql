-- trade-sync least privilege for current ClickHouse (RBAC: 20.5 and later).
-- Run once as a user with access management (e.g. `clickhouse-client --user default --multiquery < writer-grants.sql`).
-- Change the database name if TRADE_SYNC_CLICKHOUSE_DATABASE is not trade_sync, and the passwords
-- (or use IDENTIFIED WITH sha256_hash BY '<hex>' so no clear text is kept in shell history).
--
-- Two users:
--   trade_sync_admin   DDL for `trade-sync migrate` (TRADE_SYNC_CLICKHOUSE_ADMIN_USER / _PASSWORD) and
--                      the reads of `trade-sync status`.
--   trade_sync_writer  what the sink workers use (TRADE_SYNC_CLICKHOUSE_USER / _PASSWORD): INSERT into the
--                      trade tables and nothing else. Its start-up schema check needs no SELECT: when
--                      schema_migrations is denied it runs DESCRIBE TABLE trades (allowed by the INSERT
--                      grant) and checks every column it inserts. SELECT version() and the system.settings /
--                      system.merge_tree_settings look-ups need no grant (unless the server sets
--                      select_from_system_db_requires_grant; then also GRANT SELECT ON system.settings,
--                      system.merge_tree_settings TO trade_sync_writer).

CREATE USER IF NOT EXISTS trade_sync_admin IDENTIFIED WITH sha256_password BY 'CHANGE-ME-admin-password';
GRANT CREATE DATABASE ON trade_sync.*, CREATE TABLE ON trade_sync.*, ALTER TABLE ON trade_sync.*, DROP TABLE ON trade_sync.*,
      SELECT ON trade_sync.*, INSERT ON trade_sync.* TO trade_sync_admin;

CREATE USER IF NOT EXISTS trade_sync_writer IDENTIFIED WITH sha256_password BY 'CHANGE-ME-writer-password';
-- ClickHouse accepts grants on tables that do not exist yet, so this may run before `trade-sync migrate`.
GRANT INSERT ON trade_sync.trades TO trade_sync_writer;
GRANT INSERT ON trade_sync.orders TO trade_sync_writer;
-- Nothing else: no SELECT, no ALTER, no DROP, no other database.

-- With TRADE_SYNC_CLICKHOUSE_CLUSTER (README "ClickHouse cluster"): run this on every node (or add
-- ON CLUSTER <name> to each statement), let the admin run ON CLUSTER DDL, and let the writer insert
-- into the replicated local tables it writes instead of the Distributed ones:
--   GRANT CLUSTER ON *.* TO trade_sync_admin;
--   GRANT INSERT ON trade_sync.trades_local TO trade_sync_writer;
--   GRANT INSERT ON trade_sync.orders_local TO trade_sync_writer;
-- The writer reads system.macros and system.clusters to find each node's shard (no grant needed
-- unless the server sets select_from_system_db_requires_grant; then GRANT SELECT ON those two).
