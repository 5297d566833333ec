pragma circom 2.1.6;

include "rescale.circom";
include "compare.circom";

// Arithmetic on two activations: sums of products, exact division and inverse square root, each with
// a prover-supplied result that the constraints pin down uniquely.

// DotRescale: out = rescale(sum_i a[i] * b[i], SHIFT), the quotient range-checked to QBITS
// (MatMul / Gemm of two activations, the variance of a normalization).
// Cost: N (one product each) + SHIFT + QBITS (the rescale).
// NOTE: the caller range-bounds a and b so that sum_i a[i] * b[i] cannot wrap the field
// (aBits + bBits + log2(N) <= 250, checked by the quantizer).
template DotRescale(N, SHIFT, QBITS) {
    signal input a[N];
    signal input b[N];
    signal output out;
    signal p[N];
    var acc = 0;
    for (var i = 0; i < N; i++) {
        p[i] <== a[i] * b[i];
        acc += p[i];
    }
    component r = Rescale(SHIFT, QBITS);
    r.in <== acc;
    out <== r.out;
}

// DivRound: out = round(a * 2^SHIFT / b) (halves rounded up), i.e. with s = sign(b):
//   2 s a 2^SHIFT + |b| = 2 |b| out + r,   0 <= r < 2 |b|.
// The prover supplies out and r; the sign comes from NonNegative(BBITS - 1) on b (which also
// proves -2^(BBITS-1) <= b < 2^(BBITS-1)), out is range-checked to QBITS, r to [0, 2|b|).
// Both sides stay below p/2 (aBits + SHIFT + 2 <= 250 and QBITS + BBITS + 1 <= 250, checked by
// the quantizer), so the equation holds over the integers and out is unique. b = 0 has no
// witness: 0 <= r < 0 is empty.
// Cost: BBITS (sign of b) + 2 (|b|, s a) + QBITS (range of out) + 1 (out |b|) + 2 (BBITS + 1) (r).
// NOTE: a must be range-bounded by the caller (aBits as above).
template DivRound(SHIFT, BBITS, QBITS) {
    signal input a;
    signal input b;
    signal output out;
    component s = NonNegative(BBITS - 1);
    s.in <== b;
    signal babs;
    babs <== (2 * s.out - 1) * b;
    signal num;
    num <== (2 * s.out - 1) * a;
    var t = 2 * num * (1 << SHIFT) + babs;
    var d = 2 * babs;
    signal q;
    q <-- t >= 0 ? t \ d : -((-t + d - 1) \ d);
    component qr = Rescale(0, QBITS);
    qr.in <== q;
    signal qb;
    qb <== q * babs;
    signal r;
    r <== 2 * num * (1 << SHIFT) + babs - 2 * qb;
    component lo = NonNegative(BBITS);
    lo.in <== r;
    lo.out === 1;
    component hi = NonNegative(BBITS);
    hi.in <== 2 * babs - 1 - r;
    hi.out === 1;
    out <== qr.out;
}

// RsqrtFloor: out = floor(2^E / sqrt(in)) (normalizations), i.e. out >= 0 and
//   out^2 in <= 2^(2E) < (out + 1)^2 in.
// The prover supplies out (RBITS unsigned bits); p = out^2 in and (2 out + 1) in cost a product
// each, and both inequalities are NonNegative(W) checks with W = max(2E, 2 RBITS + BITS) + 2, so
// every value stays below 2^W < p/2 and the inequalities hold over the integers: out is unique.
// in <= 0 has no witness ((out + 1)^2 in > 2^(2E) > 0 fails).
// Cost: RBITS + 1 (range of out) + 3 (products) + 2 (W + 1).
// NOTE: in must satisfy -2^(BITS-1) <= in < 2^(BITS-1) (proven by the caller); W + 1 <= 250
// (checked by the quantizer).
template RsqrtFloor(E, BITS, RBITS, W) {
    signal input in;
    signal output out;
    var x = (1 << (2 * E));
    var root = 0;
    for (var i = RBITS - 1; i >= 0; i--) {
        var c = root + (1 << i);
        if (c * c * in <= x) root = c;
    }
    signal r;
    r <-- root;
    component rr = NonNegative(RBITS);
    rr.in <== r;
    rr.out === 1;
    signal r2;
    r2 <== r * r;
    signal p;
    p <== r2 * in;
    signal q;
    q <== (2 * r + 1) * in;
    component lo = NonNegative(W);
    lo.in <== (1 << (2 * E)) - p;
    lo.out === 1;
    component hi = NonNegative(W);
    hi.in <== p + q - (1 << (2 * E)) - 1;
    hi.out === 1;
    out <== r;
}
