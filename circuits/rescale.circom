pragma circom 2.1.6;

// Fixed-point rescale (division by 2^SHIFT with rounding), optionally fused with ReLU.
//
// Constrained: with N = SHIFT + QUOTIENT_BITS and
//   t = in + 2^(SHIFT-1) + 2^(N-1)            (rounding half, then the sign offset)
// the prover supplies N bits b[0..N-1], each constrained boolean, with sum b[i]*2^i == t.
// Because N <= 250 < log2(p), that decomposition is unique (no alias t + p exists), so:
//   - the remainder is b[0..SHIFT-1]: 0 <= r < 2^SHIFT by construction, never a free signal;
//   - the quotient q = floor((in + 2^(SHIFT-1)) / 2^SHIFT) is b[SHIFT..N-1] - 2^(QUOTIENT_BITS-1),
//     so -2^(QUOTIENT_BITS-1) <= q < 2^(QUOTIENT_BITS-1);
//   - the sign bit is b[N-1] (1 iff q >= 0), shared by the range check and the ReLU.
// Cost: N + 1 constraints for RescaleRelu (one more for the ReLU product), N for Rescale.
//
// NOTE: `in` is read as a signed integer in (-p/2, p/2). If the true value is outside
// [-2^(N-1), 2^(N-1)) there is NO valid witness (proving fails): the quantizer sizes
// QUOTIENT_BITS by calibration and the reference evaluator reports such inputs first.

template RescaleBits(SHIFT, QUOTIENT_BITS) {
    var N = SHIFT + QUOTIENT_BITS;
    assert(N <= 250);
    assert(QUOTIENT_BITS >= 2);
    signal input in;
    signal output bits[N];

    var half = SHIFT > 0 ? (1 << (SHIFT - 1)) : 0;
    var t = in + half + (1 << (N - 1));
    var lc = 0;
    for (var i = 0; i < N; i++) {
        bits[i] <-- (t >> i) & 1;
        bits[i] * (bits[i] - 1) === 0;
        lc += bits[i] * (1 << i);
    }
    lc === in + half + (1 << (N - 1));
}

// out = round(in / 2^SHIFT), range-checked to QUOTIENT_BITS signed bits.
template Rescale(SHIFT, QUOTIENT_BITS) {
    signal input in;
    signal output out;
    component d = RescaleBits(SHIFT, QUOTIENT_BITS);
    d.in <== in;
    var q = 0;
    for (var i = 0; i < QUOTIENT_BITS; i++) q += d.bits[SHIFT + i] * (1 << i);
    out <== q - (1 << (QUOTIENT_BITS - 1));
}

// out = max(0, round(in / 2^SHIFT)), the quotient range-checked to QUOTIENT_BITS signed bits.
template RescaleRelu(SHIFT, QUOTIENT_BITS) {
    signal input in;
    signal output out;
    component d = RescaleBits(SHIFT, QUOTIENT_BITS);
    d.in <== in;
    // With the sign bit set, q = (low QUOTIENT_BITS-1 quotient bits); otherwise q < 0.
    var magnitude = 0;
    for (var i = 0; i < QUOTIENT_BITS - 1; i++) magnitude += d.bits[SHIFT + i] * (1 << i);
    out <== d.bits[SHIFT + QUOTIENT_BITS - 1] * magnitude;
}
