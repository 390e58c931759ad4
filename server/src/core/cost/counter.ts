// Parameter and FLOP accounting for the macro skeletons (cost.ts).
//
// FLOP convention (checked against NASLib's NB201 `flops` column, see docs/sed.md §8):
//   convolution / linear: one per multiply-accumulate (no bias term for linear layers);
//   BatchNorm: 2 per element; ReLU: 1 per element; pooling: k² per output element;
//   global average pooling: 1 per input element; additions and concatenations: free.
// Parameters: weights, biases and BatchNorm affine parameters (running statistics excluded).

export class CostCounter {
  params = 0;
  flops = 0;
  /** Multiply-accumulates of convolutions and linear layers only. */
  macs = 0;

  /** A convolution `cin → cout`, k×k, on an output of `h×h`, optional `groups`. No bias. */
  conv(cin: number, cout: number, k: number, h: number, groups = 1): this {
    const w = (cin / groups) * cout * k * k;
    this.params += w;
    const m = w * h * h;
    this.flops += m;
    this.macs += m;
    return this;
  }

  bn(c: number, h: number): this {
    this.params += 2 * c;
    this.flops += 2 * c * h * h;
    return this;
  }

  relu(c: number, h: number): this {
    this.flops += c * h * h;
    return this;
  }

  /** k×k pooling producing `c × h × h`. */
  pool(c: number, k: number, h: number): this {
    this.flops += c * h * h * k * k;
    return this;
  }

  globalPool(c: number, h: number): this {
    this.flops += c * h * h;
    return this;
  }

  /** Fully connected layer with bias. */
  linear(cin: number, cout: number): this {
    this.params += cin * cout + cout;
    this.flops += cin * cout;
    this.macs += cin * cout;
    return this;
  }

  /** ReLU → conv → BN (NB201 `nor_conv`, DARTS ReLUConvBN). `hIn` is the input size. */
  reluConvBn(cin: number, cout: number, k: number, hIn: number, stride = 1): this {
    const h = hIn / stride;
    return this.relu(cin, hIn).conv(cin, cout, k, h).bn(cout, h);
  }

  /** conv → BN → ReLU (NAS-Bench-101 `conv_bn_relu`, projections). */
  convBnRelu(cin: number, cout: number, k: number, h: number): this {
    return this.conv(cin, cout, k, h).bn(cout, h).relu(cout, h);
  }

  /** DARTS FactorizedReduce: ReLU, two 1×1 stride-2 convs to cout/2 each, concat, BN. */
  factorizedReduce(cin: number, cout: number, hIn: number): this {
    const h = hIn / 2;
    this.relu(cin, hIn);
    this.conv(cin, Math.floor(cout / 2), 1, h).conv(cin, Math.floor(cout / 2), 1, h);
    return this.bn(cout, h);
  }

  /** One depthwise-separable stage: ReLU, depthwise k×k (stride), pointwise 1×1, BN. */
  sepStage(c: number, k: number, hIn: number, stride: number): this {
    const h = hIn / stride;
    return this.relu(c, hIn).conv(c, c, k, h, c).conv(c, c, 1, h).bn(c, h);
  }

  result(): { params: number; flops: number; macs: number } {
    return { params: this.params / 1e6, flops: this.flops / 1e6, macs: this.macs / 1e6 };
  }
}
