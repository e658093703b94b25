export { matrixFromRows, matrixRow, type Matrix } from './matrix.js';
