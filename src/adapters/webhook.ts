// The `ordo/adapters/webhook` entry point: Standard Webhooks signing and verification, and a receiver.
export { generateWebhookSecret, signWebhook, verifyWebhook } from './transport/webhook/standard-webhooks.js';
export type { WebhookHeaders, VerifiedWebhook, VerifyWebhookOptions, HeaderSource } from './transport/webhook/standard-webhooks.js';
export { createWebhookReceiver } from './transport/webhook/webhook-receiver.js';
export type { WebhookReceiver, WebhookReceiverOptions, ReceivedWebhook, WebhookResponse } from './transport/webhook/webhook-receiver.js';
export { WebhookError, isWebhookError, WEBHOOK_ERROR_STATUS } from '../errors/webhook-error.js';
export type { WebhookErrorCode } from '../errors/webhook-error.js';
