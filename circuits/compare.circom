pragma circom 2.1.6;

// Comparisons on range-bounded signed values: sign, max, argmax and clip.
//
// Constrained: NonNegative(W) decomposes d + 2^W into W+1 boolean bits (W+1 <= 250 < log2 p,
// so the decomposition is unique and no alias d + 2^W + p exists); out is the top bit, i.e.
// out = 1 iff d >= 0. The decomposition also proves -2^W <= d < 2^W: a d outside that range
// has NO witness, so a comparator can never read a huge field element (p - k) as negative.
// Cost: W + 1 constraints (the recomposition is linear and folded in at --O2).
//
// NOTE: callers pass W so that every honest d fits; the quantizer derives it from the bounds
// the producing op proved (a rescale quotient range or an explicit range check).

template NonNegative(W) {
    assert(W + 1 <= 250);
    signal input in;
    signal output out;
    signal bits[W + 1];
    var t = in + (1 << W);
    var lc = 0;
    for (var i = 0; i <= W; i++) {
        bits[i] <-- (t >> i) & 1;
        bits[i] * (bits[i] - 1) === 0;
        lc += bits[i] * (1 << i);
    }
    lc === in + (1 << W);
    out <== bits[W];
}

// out = max(in[0..N-1]) and index = the first position of the maximum (the last one with
// SELECT_LAST), for inputs with -2^(BITS-1) <= in[i] < 2^(BITS-1) (proven by the caller).
// A running maximum: step j compares in[j] with the maximum so far (strictly for the first
// index, non-strictly for the last), so max and index are both fully determined.
// Cost: (N-1) * (BITS + 1 + 2) constraints (BITS + 2 without the index).
template ArgMaxN(N, BITS, SELECT_LAST, WITH_INDEX) {
    signal input in[N];
    signal output out;
    signal output index;
    signal m[N];
    signal idx[N];
    component gt[N];
    m[0] <== in[0];
    idx[0] <== 0;
    for (var j = 1; j < N; j++) {
        // in[j] - m - 1 >= 0 <=> in[j] > m; both are BITS-bit values, so |d| <= 2^BITS.
        gt[j] = NonNegative(BITS);
        gt[j].in <== in[j] - m[j - 1] - 1 + SELECT_LAST;
        m[j] <== m[j - 1] + gt[j].out * (in[j] - m[j - 1]);
        if (WITH_INDEX == 1) {
            idx[j] <== idx[j - 1] + gt[j].out * (j - idx[j - 1]);
        } else {
            idx[j] <== 0;
        }
    }
    out <== m[N - 1];
    index <== idx[N - 1];
}

// out = min(HI, max(LO, in)) with optional sides (HAS_LO, HAS_HI). W_LO / W_HI bound the
// differences in - LO and HI - max(LO, in) (|d| < 2^W). Cost: per side W + 2 constraints.
template ClipInt(HAS_LO, LO, W_LO, HAS_HI, HI, W_HI) {
    signal input in;
    signal output out;
    signal lo;
    if (HAS_LO == 1) {
        component a = NonNegative(W_LO);
        a.in <== in - LO;
        lo <== LO + a.out * (in - LO);
    } else {
        lo <== in;
    }
    if (HAS_HI == 1) {
        component b = NonNegative(W_HI);
        b.in <== HI - lo;
        out <== HI - b.out * (HI - lo);
    } else {
        out <== lo;
    }
}
