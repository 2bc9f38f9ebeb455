// The seed article's approval policy as a typed constant, so the package carries it (same as examples/policies/seed-policy.json).
import type { ApprovalPolicyInput } from './policy-schema.js';

/**
 * The seed policy (collect-all, fail closed): good-credit customers with normal patterns are
 * approved automatically; large amounts, shipping far from the usual address, frequent
 * returners and new accounts with a high value are held for review; blocked customers and very
 * low credit are rejected. Amounts are CNY minor units (fen).
 * @example const policy = compilePolicy(SEED_POLICY);
 */
export const SEED_POLICY = {
  id: 'seed-approval',
  version: '2026.2',
  description: 'The seed article\'s policy: good-credit customers with normal patterns are approved automatically, first orders included; large amounts, shipping far from the usual address, an unreadable address, frequent returners and new accounts with a high value go to review.',
  hitPolicy: 'collect-all',
  onMissingFact: 'hold',
  rules: [
    {
      id: 'blocked-customer',
      description: 'Customers on the block list are rejected.',
      priority: 100,
      when: {
        fact: 'customer.isBlocked',
        operator: 'eq',
        value: true,
      },
      then: {
        decision: 'reject',
        reasons: ['CUSTOMER_BLOCKED'],
        severity: 'critical',
        riskScore: 100,
      },
      onMissingFact: 'treat-as-false',
    },
    {
      id: 'very-low-credit',
      description: 'A credit score below 350 is rejected; an unknown score is left to the other rules.',
      priority: 90,
      when: {
        fact: 'customer.creditScore',
        operator: 'lt',
        value: 350,
      },
      then: {
        decision: 'reject',
        reasons: ['CREDIT_TOO_LOW'],
        severity: 'high',
        riskScore: 90,
      },
      onMissingFact: 'skip-rule',
    },
    {
      id: 'large-amount',
      description: 'Orders of CNY 5,000.00 or more are reviewed.',
      priority: 80,
      when: {
        fact: 'order.total',
        operator: 'gte',
        value: {
          amount: 500000,
          currency: 'CNY',
        },
      },
      then: {
        decision: 'hold',
        reasons: ['LARGE_AMOUNT'],
        severity: 'high',
        riskScore: 70,
      },
    },
    {
      id: 'new-account-high-value',
      description: 'Accounts younger than 30 days ordering CNY 1,000.00 or more are reviewed.',
      priority: 75,
      when: {
        all: [
          {
            fact: 'derived.accountAgeDays',
            operator: 'lt',
            value: 30,
          },
          {
            fact: 'order.total',
            operator: 'gte',
            value: {
              amount: 100000,
              currency: 'CNY',
            },
          },
        ],
      },
      then: {
        decision: 'hold',
        reasons: ['NEW_ACCOUNT_HIGH_VALUE'],
        severity: 'high',
        riskScore: 65,
      },
    },
    {
      id: 'far-from-usual-address',
      description: 'Shipping more than 500 km from every usual address is reviewed. Without coordinates the distance is unknown and the province rule below decides.',
      priority: 70,
      when: {
        fact: 'derived.distanceFromUsualKm',
        operator: 'gt',
        value: 500,
      },
      then: {
        decision: 'hold',
        reasons: ['FAR_FROM_USUAL_ADDRESS'],
        severity: 'medium',
        riskScore: 60,
      },
      onMissingFact: 'skip-rule',
    },
    {
      id: 'new-destination-province',
      description: 'Where no distance is known: shipping to a province a returning customer never received a parcel in is reviewed. A first order has no usual province to be away from, so this rule does not apply to it.',
      priority: 69,
      when: {
        all: [
          {
            fact: 'derived.distanceFromUsualKm',
            operator: 'exists',
            value: false,
          },
          {
            fact: 'derived.shipsToNewProvince',
            operator: 'eq',
            value: true,
          },
        ],
      },
      then: {
        decision: 'hold',
        reasons: ['NEW_DESTINATION_PROVINCE'],
        severity: 'medium',
        riskScore: 55,
      },
      onMissingFact: 'skip-rule',
    },
    {
      id: 'unreadable-address',
      description: 'A shipping address whose province cannot be read is reviewed (fail closed), first order or not.',
      priority: 68,
      when: {
        fact: 'derived.shippingAddressReadable',
        operator: 'eq',
        value: false,
      },
      then: {
        decision: 'hold',
        reasons: ['UNREADABLE_ADDRESS'],
        severity: 'medium',
        riskScore: 55,
      },
      onMissingFact: 'treat-as-false',
    },
    {
      id: 'frequent-returner',
      description: 'Customers returning 30% or more of what they received, over at least 3 orders, are reviewed.',
      priority: 60,
      when: {
        all: [
          {
            fact: 'derived.returnRate',
            operator: 'gte',
            value: 0.3,
          },
          {
            fact: 'derived.orderCountInWindow',
            operator: 'gte',
            value: 3,
          },
        ],
      },
      then: {
        decision: 'hold',
        reasons: ['FREQUENT_RETURNS'],
        severity: 'medium',
        riskScore: 55,
      },
      onMissingFact: 'treat-as-false',
    },
    {
      id: 'amount-above-usual',
      description: 'An order five times the customer\'s average (with some history) is reviewed.',
      priority: 50,
      when: {
        all: [
          {
            fact: 'derived.amountVsAverage',
            operator: 'gte',
            value: 5,
          },
          {
            fact: 'derived.orderCountInWindow',
            operator: 'gte',
            value: 3,
          },
        ],
      },
      then: {
        decision: 'hold',
        reasons: ['AMOUNT_ABOVE_USUAL'],
        severity: 'medium',
        riskScore: 50,
      },
      onMissingFact: 'treat-as-false',
    },
    {
      id: 'high-order-frequency',
      description: 'More than 30 orders in the window is reviewed.',
      priority: 40,
      when: {
        fact: 'derived.orderCountInWindow',
        operator: 'gt',
        value: 30,
      },
      then: {
        decision: 'hold',
        reasons: ['HIGH_ORDER_FREQUENCY'],
        severity: 'medium',
        riskScore: 45,
      },
    },
    {
      id: 'cod-high-value',
      description: 'Cash on delivery above CNY 2,000.00 is reviewed.',
      priority: 30,
      when: {
        all: [
          {
            fact: 'order.paymentMethod',
            operator: 'eq',
            value: 'cod',
          },
          {
            fact: 'order.total',
            operator: 'gt',
            value: {
              amount: 200000,
              currency: 'CNY',
            },
          },
        ],
      },
      then: {
        decision: 'hold',
        reasons: ['COD_HIGH_VALUE'],
        severity: 'medium',
        riskScore: 40,
      },
    },
    {
      id: 'good-credit-normal-pattern',
      description: 'Good credit (700+) on a known channel: approved, unless a rule above raised a flag. A first order qualifies too: a new customer is an anomaly only with a high value (new-account-high-value).',
      priority: 10,
      when: {
        all: [
          {
            fact: 'customer.creditScore',
            operator: 'gte',
            value: 700,
          },
          {
            fact: 'order.channel',
            operator: 'in',
            value: ['tmall', 'jd', 'douyin', 'pinduoduo', 'wechat-mini', 'pos'],
          },
        ],
      },
      then: {
        decision: 'approve',
        reasons: ['GOOD_CREDIT_NORMAL_PATTERN'],
        severity: 'info',
        riskScore: 10,
      },
    },
  ],
  defaultOutcome: {
    decision: 'hold',
    reasons: ['MANUAL_REVIEW'],
    severity: 'low',
    riskScore: 30,
  },
} as const satisfies ApprovalPolicyInput;
