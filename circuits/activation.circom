pragma circom 2.1.6;

include "rescale.circom";
include "compare.circom";

// Non-linear activations on range-bounded inputs, each ending in one rescale.
//
// LeakyRescale: out = rescale(in >= 0 ? in * 2^SF : SLOPE * in, SF) (LeakyRelu / PRelu with
// slope SLOPE / 2^SF). The sign comes from NonNegative(BITS - 1) on the input, which also
// re-proves its range; the quotient is range-checked to QBITS by Rescale.
// Cost: BITS + 1 (sign) + 1 (product) + SF + QBITS (rescale).
//
// NOTE: the input must satisfy -2^(BITS-1) <= in < 2^(BITS-1) (NonNegative enforces it).
template LeakyRescale(SLOPE, SF, BITS, QBITS) {
    signal input in;
    signal output out;
    component s = NonNegative(BITS - 1);
    s.in <== in;
    signal pos;
    pos <== s.out * (in * (2 ** SF - SLOPE));
    component r = Rescale(SF, QBITS);
    r.in <== SLOPE * in + pos;
    out <== r.out;
}

// PolyRescale: c = clip(in, -CLIP, CLIP), then with f = FRAC
//   P = K0 2^(7f) + c (K1 2^(6f) + K3 c^2 2^(4f) + K5 c^4 2^(2f) + K7 c^6)
//   out = rescale(P, SHIFT)  (SHIFT = POLY_COEF_FRAC + 6f: the coefficients carry POLY_COEF_FRAC = 28 fractional bits)
// (the Sigmoid / Tanh approximations of sdk/node/src/quantize/approximations.ts).
// Cost: the clip (2 comparisons), 4 products, and the rescale.
template PolyRescale(CLIP, W, FRAC, K0, K1, K3, K5, K7, SHIFT, QBITS) {
    signal input in;
    signal output out;
    component c = ClipInt(1, -CLIP, W, 1, CLIP, W);
    c.in <== in;
    signal c2;
    signal c4;
    signal c6;
    signal p;
    c2 <== c.out * c.out;
    c4 <== c2 * c2;
    c6 <== c4 * c2;
    p <== c.out * (K1 * 2 ** (6 * FRAC) + K3 * 2 ** (4 * FRAC) * c2 + K5 * 2 ** (2 * FRAC) * c4 + K7 * c6);
    component r = Rescale(SHIFT, QBITS);
    r.in <== K0 * 2 ** (7 * FRAC) + p;
    out <== r.out;
}

// MulRescale: out = rescale(a * b, SHIFT), range-checked to QBITS (one product + rescale).
// NOTE: a and b must be range-bounded by the caller so that a * b cannot wrap the field.
template MulRescale(SHIFT, QBITS) {
    signal input a;
    signal input b;
    signal output out;
    component r = Rescale(SHIFT, QBITS);
    r.in <== a * b;
    out <== r.out;
}
