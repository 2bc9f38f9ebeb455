// The routing module's face: warehouses and policies as data, compiled once; pure route() with a trace; simulations.
export {
  MACRO_REGIONS,
  MACRO_REGION_PROVINCES,
  ROUTING_FILTERS,
  ROUTING_RANKERS,
  ROUTING_FALLBACKS,
  SPLIT_OBJECTIVES,
  regionRefSchema,
  regionDefinitionSchema,
  weightBandSchema,
  tariffZoneSchema,
  carrierTariffSchema,
  categoryRulesSchema,
  dailyCapacitySchema,
  warehouseCalendarSchema,
  warehouseSchema,
  routingNetworkSchema,
  ruleConditionSchema,
  routingFilterSchema,
  regionPreferenceSchema,
  routingRankerSchema,
  splitPolicySchema,
  routingFallbackSchema,
  routingRuleSchema,
  routingSearchSchema,
  routingPolicySchema,
} from './routing-schema.js';
export type {
  MacroRegion,
  RoutingFilterType,
  RoutingRankerType,
  RoutingFallbackType,
  SplitObjective,
  WarehouseInput,
  Warehouse,
  RoutingNetworkInput,
  RoutingNetwork,
  RegionDefinition,
  CarrierTariff,
  WeightBand,
  RoutingPolicyInput,
  RoutingPolicy,
  RoutingRule,
  RoutingFilter,
  RoutingRanker,
  SplitPolicy,
  RoutingFallback,
  RuleCondition,
} from './routing-schema.js';
export { resolveDestination } from './regions.js';
export type { RoutingDestination } from './regions.js';
export { compileRouting, safeCompileRouting } from './compile-routing.js';
export type { CompileRoutingOptions, RoutingConfig } from './compile-routing.js';
export { Router } from './router.js';
export type { RoutingWarning, RoutableOrder, RouteOptions } from './router.js';
export { RoutingSnapshot } from './routing-snapshot.js';
export type { RoutingSnapshotInput, ShipDay } from './routing-snapshot.js';
export type { CapacityUsage } from '../ports/inventory-port.js';
export { WAREHOUSE_REJECTIONS, LINE_SHORTFALL_REASONS } from './routing-decision.js';
export type {
  WarehouseRejection,
  LineShortfallReason,
  LineShortfall,
  RejectedWarehouse,
  CandidateWarehouse,
  WarehouseTrace,
  SearchTrace,
  RoutingRuleTrace,
  RoutingTrace,
  RoutedShipment,
  DecisionDestination,
  RoutingAllocation,
  RoutingHold,
  RoutingBackorder,
  RoutingDecision,
} from './routing-decision.js';
export { SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY } from './seed-routing.js';
export { simulateRouting } from './simulate-routing.js';
export type {
  SimulateRoutingOptions,
  WarehouseLoad,
  RoutingPolicyStats,
  DecisionSummary,
  RoutingChange,
  RoutingSimulation,
} from './simulate-routing.js';
export { formatRoutingTrace, describeWarehouseTrace } from './format-trace.js';
