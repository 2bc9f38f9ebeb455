// The `ordo/adapters/rabbitmq` entry point: the transport port on RabbitMQ (amqplib, an optional peer dependency).
export { createRabbitMqTransport } from './transport/rabbitmq/rabbitmq-transport.js';
export type { RabbitMqTransport, RabbitMqTransportOptions } from './transport/rabbitmq/rabbitmq-transport.js';
export { rabbitMqTopology, deleteRabbitMqTopology } from './transport/rabbitmq/rabbitmq-topology.js';
export type { RabbitMqTopology, RabbitMqTopologyOptions } from './transport/rabbitmq/rabbitmq-topology.js';
