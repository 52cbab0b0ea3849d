/** The convolutions LungCAM's conv kernels compute, and how they read a filter. */

/** A stride-1, dilation-1 convolution: input [N, H, W, Cin] → output [N, Ho, Wo, Cout]. */
export interface ConvShape {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  padTop: number;
  padLeft: number;
}

/** Reads filter element (a, b, ci, co) of the conv being run, given the filter tensor's values. */
export type FilterReader = (f: Float32Array) => (a: number, b: number, ci: number, co: number) => number;
