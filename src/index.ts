/** The public API of trade-sync as a library (the producer side and its types). */
export { loadConfig, requireKeys, Keyring, type Config } from './config/index.js';
export * from './errors/index.js';
export { TradeProducer, type PublishOptions, type PublishResult } from './producer/trade-producer.js';
export { tradeSchema, TRADE_SCHEMA_VERSION, type Trade } from './trade/trade-schema.js';
export { parseTrade } from './trade/parse-trade.js';
export { signTrade, verifyEnvelope, canonicalBytes } from './trade/signing.js';
export { openEnvelope } from './trade/open-envelope.js';
export { signedEnvelopeSchema, type SignedEnvelope } from './trade/signed-envelope.js';
