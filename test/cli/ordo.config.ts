// The config module the command-line tests point `ordo --config` at: PostgreSQL in a test schema
// (from the environment), the seed policy and routing, a WMS that holds nothing, one guarded job.
import { createPostgresStorage } from '../../src/adapters/postgres.js';
import { autoCancelUnpaidJob, EXAMPLE_WMS_STATUSES, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY, systemClock, type JsonValue, type Order, type OrdoOptions } from '../../src/index.js';

export default (): OrdoOptions => ({
  storage: createPostgresStorage({ connectionString: process.env['ORDO_CLI_POSTGRES_URL'] as string, schema: process.env['ORDO_CLI_SCHEMA'] as string }),
  transports: [],
  clock: systemClock,
  zone: 'Asia/Shanghai',
  catalogue: () => ({ category: 'home', weightGrams: 400 }),
  approval: { customerFacts: async () => ({ creditScore: 720, isBlocked: false }) },
  routing: { network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY },
  sync: {
    targets: [
      {
        target: { system: 'wms', push: async () => undefined, read: async () => undefined },
        statuses: ['allocated'],
        toTarget: (record: JsonValue) => ({ id: (record as unknown as Order).id, status: EXAMPLE_WMS_STATUSES.fromCanonical((record as unknown as Order).status) }),
        spec: { fields: { status: { compare: 'status', source: EXAMPLE_WMS_STATUSES, target: EXAMPLE_WMS_STATUSES } } },
      },
    ],
  },
  jobs: [autoCancelUnpaidJob({ after: { minutes: 30 } })],
  metrics: { slas: [{ id: 'pay-within-30-min', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } }] },
});
