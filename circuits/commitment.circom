pragma circom 2.1.6;

include "poseidon_constants.circom";

// circomlib's Poseidon(N) (poseidon.circom: the same round structure, the same constants from
// its poseidon_constants.circom), written so that at circom --O1 only the S-box products are
// constraints. circomlib's template makes every Ark / Mix / MixS output a signal: at --O1 each
// is a linear constraint (Poseidon(16): 1,156 for the partial rounds' MixS alone). Here the
// round constants and the MDS / sparse partial-round matrices are applied to `var`s holding
// linear combinations of the S-box outputs, which feed the next S-box directly.
// Constrained: out = Poseidon(inputs) (circomlib's, initial state 0), with 3 constraints per
// S-box (x^2, x^4, x^5) but the first one's (a constant), and one for out:
// 3 * (8 (N+1) + R_P - 1) + 1 (Poseidon(2): 241, Poseidon(16): 610).
template PoseidonHash(N) {
    // circomlib's PoseidonEx: 8 full rounds, R_P partial rounds for t = N + 1
    var N_ROUNDS_P[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    var T = N + 1;
    var ROUNDS_F = 8;
    var HALF_F = ROUNDS_F \ 2;
    var ROUNDS_P = N_ROUNDS_P[T - 2];
    var SBOXES = T * ROUNDS_F + ROUNDS_P - 1; // constrained S-boxes (not the constant one)
    var C[T * ROUNDS_F + ROUNDS_P] = POSEIDON_C(T);
    var S[ROUNDS_P * (2 * T - 1)] = POSEIDON_S(T);
    var M[T][T] = POSEIDON_M(T);
    var P[T][T] = POSEIDON_P(T);
    signal input inputs[N];
    signal output out;
    signal x2[SBOXES];
    signal x4[SBOXES];
    signal x5[SBOXES];
    var k = 0; // the next S-box
    var s[T]; // the state: linear combinations of inputs and S-box outputs
    var m[T];
    s[0] = C[0];
    for (var j = 1; j < T; j++) s[j] = inputs[j - 1] + C[j];
    for (var r = 0; r < ROUNDS_F; r++) {
        if (r == HALF_F) {
            // the partial rounds, with circomlib's sparse matrices S
            for (var q = 0; q < ROUNDS_P; q++) {
                x2[k] <== s[0] * s[0];
                x4[k] <== x2[k] * x2[k];
                x5[k] <== x4[k] * s[0];
                var first = x5[k] + C[(HALF_F + 1) * T + q];
                k++;
                var base = (2 * T - 1) * q;
                var lc = S[base] * first;
                for (var i = 1; i < T; i++) lc += S[base + i] * s[i];
                s[0] = lc;
                for (var i = 1; i < T; i++) s[i] += first * S[base + T + i - 1];
            }
        }
        for (var j = 0; j < T; j++) {
            if (r == 0 && j == 0) {
                // the initial state's first element is the constant C[0]: no constraint
                m[j] = s[j] ** 5;
            } else {
                x2[k] <== s[j] * s[j];
                x4[k] <== x2[k] * x2[k];
                x5[k] <== x4[k] * s[j];
                m[j] = x5[k];
                k++;
            }
            // round constants of the next round (none after the last)
            if (r < HALF_F) {
                m[j] += C[(r + 1) * T + j];
            } else if (r < ROUNDS_F - 1) {
                m[j] += C[(HALF_F + 1) * T + ROUNDS_P + (r - HALF_F) * T + j];
            }
        }
        if (r < ROUNDS_F - 1) {
            // the MDS matrix (P, circomlib's pre-sparse matrix, before the partial rounds)
            for (var i = 0; i < T; i++) {
                var lc = 0;
                for (var j = 0; j < T; j++) lc += (r == HALF_F - 1 ? P[j][i] : M[j][i]) * m[j];
                s[i] = lc;
            }
        }
    }
    var lc = 0;
    for (var j = 0; j < T; j++) lc += M[j][0] * m[j];
    out <== lc;
}

// The Poseidon sponge of sdk/core/src/quantize/poseidonSponge.ts over E field elements.
// Constrained: out = h after h = Poseidon(TAG, LENGTH), then per block of 15 elements
// (zero padded) h = Poseidon(h, e_1..e_15). LENGTH is the length hashed in the head (E for
// every commitment but the fixed-weight one, which hashes its value count).
// Cost: ~ 240 for Poseidon(2) + ~ 630 per block of 15.
//
// NOTE: the elements are hashed as field elements: whatever gives them meaning (range checks,
// packing) is the caller's.
template PoseidonSponge(E, TAG, LENGTH) {
    var BLOCKS = (E + 14) \ 15;
    signal input in[E];
    signal output out;
    component head = PoseidonHash(2);
    head.inputs[0] <== TAG;
    head.inputs[1] <== LENGTH;
    component blocks[BLOCKS];
    for (var k = 0; k < BLOCKS; k++) {
        blocks[k] = PoseidonHash(16);
        if (k == 0) {
            blocks[k].inputs[0] <== head.out;
        } else {
            blocks[k].inputs[0] <== blocks[k - 1].out;
        }
        for (var j = 0; j < 15; j++) {
            if (k * 15 + j < E) {
                blocks[k].inputs[j + 1] <== in[k * 15 + j];
            } else {
                blocks[k].inputs[j + 1] <== 0;
            }
        }
    }
    out <== blocks[BLOCKS - 1].out;
}

// Poseidon commitment to N range-checked values (the `hashed` input visibility), matching
// sdk/core/src/quantize/inputCommitment.ts.
//
// Constrained: each u[i] = in[i] + 2^(BITS-1) is decomposed into BITS boolean bits (so
// -2^(BITS-1) <= in[i] < 2^(BITS-1), and the packing below is injective); K = floor(250/BITS)
// values are packed per field element e = sum u_j 2^(BITS j) (< 2^250 < p: no wrap-around);
// out = PoseidonSponge(E, VERSION, E) over the packed elements. `out` is a public signal.
// Cost: N * BITS for the range checks + ~ 240 per Poseidon(2) + ~ 630 per Poseidon(16) block.
//
// NOTE: `checked[i]` (= in[i]) is what the model must read, so the proven input is exactly
// the committed one.
template InputCommitment(N, BITS, VERSION) {
    var K = 250 \ BITS;
    var E = (N + K - 1) \ K;
    signal input in[N];
    signal output checked[N];
    signal output out;
    signal bits[N][BITS];
    var e[E];
    for (var j = 0; j < E; j++) e[j] = 0;
    for (var i = 0; i < N; i++) {
        var u = in[i] + 2 ** (BITS - 1);
        var lc = 0;
        for (var b = 0; b < BITS; b++) {
            bits[i][b] <-- (u >> b) & 1;
            bits[i][b] * (bits[i][b] - 1) === 0;
            lc += bits[i][b] * 2 ** b;
        }
        lc === in[i] + 2 ** (BITS - 1);
        checked[i] <== in[i];
        // packed from in[i] (= lc - 2^(BITS-1)), not from the bits: one term per value, so
        // the packing constraint stays short when circom keeps it (--O1)
        e[i \ K] += (in[i] + 2 ** (BITS - 1)) * 2 ** (BITS * (i % K));
    }
    component sponge = PoseidonSponge(E, VERSION, E);
    for (var j = 0; j < E; j++) sponge.in[j] <== e[j];
    out <== sponge.out;
}
