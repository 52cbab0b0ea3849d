/**
 * The `lungcam` module that notebook cells import (`import * as lc from "lungcam"`), also used by the CLI.
 * Each area re-exports its public functions here.
 */
export * from './types';
export * from './errors';
export * from '../shared/outputTypes';
export * from './show';
