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
    pos <== s.out * (in * ((1 << SF) - SLOPE));
    component r = Rescale(SF, QBITS);
    r.in <== SLOPE * in + pos;
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
