export { createDelivery, type Delivery, type DeliveryModuleDeps } from './delivery.js';
export type { DeliveryObserver, DeliveryRules, WriteMessages } from './delivery-deps.js';
export type { BatchResult } from './deliver-batch.js';
export { DispatchEvents, type DispatchEventMap, type DispatchEventName } from './dispatch-events.js';
export type { Dispatcher } from './dispatcher.js';
export type { SendNowResult } from './send-now.js';
export { countDueBacklog } from './outlook.sql.js';
export { clockTimers, type Timers } from './timers.js';
