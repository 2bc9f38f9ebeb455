// The `ordo/adapters/rabbitmq` entry point: the transport port on RabbitMQ (amqplib, an optional peer dependency).
export { createRabbitMqTransport } from './transport/rabbitmq/rabbitmq-transport.js';
export type { RabbitMqTransport, RabbitMqTransportOptions } from './transport/rabbitmq/rabbitmq-transport.js';
