/**
 * The effective-number class weights of Cui et al. (2019) and the class counter now live with the other weight
 * strategies in `class-weights.ts`; this module keeps the original import path working.
 */
export {
  classBalancedWeights,
  countClasses,
  type ClassBalancedWeights,
  type ClassWeights,
} from './class-weights.js';
