/** The public API of trade-sync as a library (the producer side and its types). */
export { loadConfig, requireKeys, Keyring, type Config } from './config/index.js';
export * from './errors/index.js';
export { TradeProducer, type PublishOptions, type PublishResult } from './producer/trade-producer.js';
export { tradeSchemaV1, tradeSchemaV2, tradeSchemaFor, TRADE_SCHEMA_VERSION, TRADE_SCHEMA_VERSIONS, type Trade, type TradeV1, type TradeV2 } from './trade/trade-schema.js';
export { parseTrade } from './trade/parse-trade.js';
export { signTrade, signPack, verifyEnvelope, canonicalBytes } from './trade/signing.js';
export { readSignedPayload, type SignedPayload } from './trade/read-signed-payload.js';
export { openEnvelope } from './trade/open-envelope.js';
export { signedEnvelopeSchema, MAX_PACK_TRADES, type SignedEnvelope } from './trade/signed-envelope.js';
