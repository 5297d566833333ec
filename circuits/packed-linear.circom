pragma circom 2.1.6;

// Unpacks a packed accumulation of K rows (private weights, see
// sdk/core/src/quantize/packedWeights.ts) and rescales each row, optionally with ReLU.
//
// The caller computes in = sum_j P_j x_j + B, where each weight element P_j holds the K rows'
// coefficients in N-bit limbs (P_j = sum_c w_cj 2^(N c)) and B the K biases likewise, so
// in = sum_c acc_c 2^(N c) as integers.
//
// Constrained: with M = SHIFT + QUOTIENT_BITS - 1 and t = in + sum_c (2^(SHIFT-1) + 2^(N-1)) 2^(N c)
// (rounding half and sign offset per limb), the prover supplies for each limb c the M low bits
// low[c][i] and a sign bit sign[c], all boolean, and
//   sum_c limb_c 2^(N c) == t,  limb_c = low_c + 2^(N-1) - 2^M + sign[c] 2^M
// (a sign-extended N-bit limb). Each limb lies in [0, 2^N) and K N <= 250 < log2 p, so the limbs
// are THE base-2^N digits of t: no carry can move value from one row to another. Then, as in
// RescaleRelu: the remainder is low[c][0..SHIFT-1], the quotient q_c = floor((acc_c +
// 2^(SHIFT-1)) / 2^SHIFT) = low[c][SHIFT..M-1] - (1 - sign[c]) 2^(QUOTIENT_BITS-1) lies in
// [-2^(QUOTIENT_BITS-1), 2^(QUOTIENT_BITS-1)), and out[c] = q_c (or sign[c] * q_c with RELU).
// With SHIFT = 0 and QUOTIENT_BITS = N, out[c] = acc_c (no rescale, an N-bit range check).
// Cost per row: SHIFT + QUOTIENT_BITS booleans (+ 1 with RELU): the same as RescaleRelu.
//
// NOTE: the digits are the rows' true accumulators only if every acc_c + offsets lies in
// [0, 2^N): the generator sizes N for the worst case of the admissible weights
// (|w| <= 2^(weightBits-1), |bias| <= max(2^(weightBits-1) 2^(inBits-1), 2^biasBits), checked
// when the weights are packed and committed) and of range-checked inputs x. The weights are bound by the Poseidon
// weight commitment, which the caller computes over the same elements P_j and B.

template PackedRescale(K, N, SHIFT, QUOTIENT_BITS, RELU) {
    var M = SHIFT + QUOTIENT_BITS - 1;
    assert(K * N <= 250);
    assert(M <= N - 1);
    assert(QUOTIENT_BITS >= 2);
    signal input in;
    signal output out[K];
    signal low[K][M];
    signal sign[K];

    var half = SHIFT > 0 ? (1 << (SHIFT - 1)) : 0;
    var offset = 0;
    for (var c = 0; c < K; c++) offset += (half + (1 << (N - 1))) * (1 << (N * c));
    var t = in + offset;
    var total = 0;
    for (var c = 0; c < K; c++) {
        var limb = (t >> (N * c)) & ((1 << N) - 1);
        sign[c] <-- limb >> (N - 1);
        sign[c] * (sign[c] - 1) === 0;
        var lc = 0;
        var magnitude = 0;
        for (var i = 0; i < M; i++) {
            low[c][i] <-- (limb >> i) & 1;
            low[c][i] * (low[c][i] - 1) === 0;
            lc += low[c][i] * (1 << i);
            if (i >= SHIFT) magnitude += low[c][i] * (1 << (i - SHIFT));
        }
        total += (lc + (1 << (N - 1)) - (1 << M) + sign[c] * (1 << M)) * (1 << (N * c));
        if (RELU == 1) {
            out[c] <== sign[c] * magnitude;
        } else {
            out[c] <== magnitude - (1 - sign[c]) * (1 << (QUOTIENT_BITS - 1));
        }
    }
    total === in + offset;
}
