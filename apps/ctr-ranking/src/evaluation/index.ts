export {
  argmaxWelfare,
  evaluateCtrModel,
  evaluateOffPolicy,
  type Estimate,
  type OffPolicyReport,
  type RateAndWelfare,
} from './off-policy.js';
