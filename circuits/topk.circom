pragma circom 2.1.6;

include "compare.circom";

// TopK with a constant K: the K largest of in[0..N-1] in descending order, ties by the lower
// index first (ONNX TopK, largest = 1, sorted = 1), with their positions. The caller negates
// the inputs and the values for largest = 0 (the K smallest, ascending).
//
// Method: K passes of the running-maximum argmax (ArgMaxN, first index on ties); after pass j
// the chosen position is masked to LOW = -2^BITS, below every input, so pass j + 1 finds the
// next one. For inputs with -2^(BITS-1) <= in[i] < 2^(BITS-1) (proven by the caller) every
// value of the passes lies in [-2^BITS, 2^BITS), so ArgMaxN(N, BITS + 1) compares them soundly;
// K <= N, so a masked position never wins while a real one remains.
//
// Constrained: each pass's max and index are fully determined by its inputs (ArgMaxN); the
// mask eq[j][i] = [index_j == i] is IsZero's two constraints (inv * d = 1 - eq, eq * d = 0),
// so the next pass's inputs are determined too: every output is a function of in[].
// Cost at --O1: K ((N - 1)(BITS + 6) + 3N) constraints: per pass ArgMaxN at BITS + 1 (a
// comparison of BITS + 3 plus the running max and index) and the mask (2 for IsZero, 1 for
// the select per position); TopKMasked(5, 3, 6) has 189.
template TopKMasked(N, K, BITS) {
    assert(K <= N);
    assert(BITS + 2 <= 250);
    signal input in[N];
    signal output values[K];
    signal output index[K];
    var LOW = -((1 << BITS));
    signal cur[K + 1][N];
    signal eq[K][N];
    signal inv[K][N];
    component am[K];
    for (var i = 0; i < N; i++) cur[0][i] <== in[i];
    for (var j = 0; j < K; j++) {
        am[j] = ArgMaxN(N, BITS + 1, 0, 1);
        for (var i = 0; i < N; i++) am[j].in[i] <== cur[j][i];
        values[j] <== am[j].out;
        index[j] <== am[j].index;
        for (var i = 0; i < N; i++) {
            // eq = 1 iff index_j == i (IsZero of d = index_j - i)
            inv[j][i] <-- am[j].index - i != 0 ? 1 / (am[j].index - i) : 0;
            eq[j][i] <== 1 - (am[j].index - i) * inv[j][i];
            eq[j][i] * (am[j].index - i) === 0;
            cur[j + 1][i] <== cur[j][i] + eq[j][i] * (LOW - cur[j][i]);
        }
    }
}
