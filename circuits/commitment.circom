pragma circom 2.1.6;

include "poseidon_constants.circom";

// circomlib's Poseidon(N) (poseidon.circom: the same rounds, the same constants from its
// poseidon_constants.circom) of the N inputs [FIRST if CONST_FIRST] ++ inputs[LIVE] ++ zeros,
// written so that at circom --O1 only the S-box products are constraints. circomlib's
// template makes every Ark / Mix / MixS output a signal, and at --O1 each is a linear
// constraint (Poseidon(16): 1,480 of its 2,092 constraints; 784_56_10's sponge: ~7,400 of
// 23,505). Here the round constants and the MDS / sparse partial-round matrices are applied to
// `var`s holding linear combinations of S-box outputs, which feed the next S-box directly; an
// S-box of a constant (the initial state, FIRST, the zero padding) is computed, not constrained.
// Constrained: out = Poseidon(those inputs), with 3 constraints per S-box of a signal (x^2, x^4,
// x^5), N + 1 for the state after the partial rounds and one for out: Poseidon(2) 244,
// Poseidon(16) 627 (each constant input saves 3). The circuits README has the nonzero counts.
template PoseidonHash(N, LIVE, CONST_FIRST, FIRST) {
    assert(CONST_FIRST + LIVE <= N);
    // circomlib's PoseidonEx: 8 full rounds, R_P partial rounds for t = N + 1
    var N_ROUNDS_P[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    var T = N + 1;
    var ROUNDS_F = 8;
    var HALF_F = ROUNDS_F \ 2;
    var ROUNDS_P = N_ROUNDS_P[T - 2];
    // S-boxes of signals: all but the first round's constant ones
    var SBOXES = T * ROUNDS_F + ROUNDS_P - (T - LIVE);
    var C[T * ROUNDS_F + ROUNDS_P] = POSEIDON_C(T);
    var S[ROUNDS_P * (2 * T - 1)] = POSEIDON_S(T);
    var M[T][T] = POSEIDON_M(T);
    var P[T][T] = POSEIDON_P(T);
    signal input inputs[LIVE];
    signal output out;
    signal x2[SBOXES];
    signal x4[SBOXES];
    signal x5[SBOXES];
    signal partialOut[T];
    var k = 0; // the next S-box
    var s[T]; // the state: linear combinations of inputs and S-box outputs
    var m[T];
    var live[T]; // in the first round: 1 where the state holds a signal
    for (var j = 0; j < T; j++) {
        live[j] = j > CONST_FIRST && j <= CONST_FIRST + LIVE;
        if (live[j]) {
            s[j] = inputs[j - 1 - CONST_FIRST] + C[j];
        } else if (j == 1 && CONST_FIRST == 1) {
            s[j] = FIRST + C[j];
        } else {
            s[j] = C[j];
        }
    }
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
            // After the partial rounds every state element has N + 1 + R_P terms (86 for
            // Poseidon(16)) and feeds an S-box that reads it three times: as signals, N + 1
            // constraints save ~3 (N + 1 + R_P) A/B nonzeros each (Poseidon(16): 17 for 4,335).
            for (var i = 0; i < T; i++) {
                partialOut[i] <== s[i];
                s[i] = partialOut[i];
            }
        }
        for (var j = 0; j < T; j++) {
            if (r == 0 && live[j] == 0) {
                var sq = s[j] * s[j];
                m[j] = sq * sq * s[j];
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
// Constrained: out = h after h = HEAD, then per block of 15 elements (zero padded)
// h = Poseidon(h, e_1..e_15). HEAD = Poseidon(TAG, LENGTH), a constant of the commitment kind
// and length that the generator computes (`spongeHead`), so no constraint hashes constants.
// Cost: 627 per block of 15, less 3 for HEAD and 3 per padding zero.
//
// NOTE: the elements are hashed as field elements: whatever gives them meaning (range checks,
// packing) is the caller's.
template PoseidonSponge(E, HEAD) {
    var BLOCK = 15;
    var BLOCKS = (E + BLOCK - 1) \ BLOCK;
    signal input in[E];
    signal output out;
    component blocks[BLOCKS];
    for (var k = 0; k < BLOCKS; k++) {
        var live = E - k * BLOCK < BLOCK ? E - k * BLOCK : BLOCK;
        if (k == 0) {
            blocks[k] = PoseidonHash(BLOCK + 1, live, 1, HEAD);
        } else {
            blocks[k] = PoseidonHash(BLOCK + 1, live + 1, 0, 0);
            blocks[k].inputs[0] <== blocks[k - 1].out;
        }
        for (var j = 0; j < live; j++) blocks[k].inputs[j + (k == 0 ? 0 : 1)] <== in[k * BLOCK + j];
    }
    out <== blocks[BLOCKS - 1].out;
}

// Poseidon commitment to N range-checked values (the `hashed` input visibility), matching
// sdk/core/src/quantize/inputCommitment.ts.
//
// Constrained: each u[i] = in[i] + 2^(BITS-1) is BITS boolean bits (so -2^(BITS-1) <= in[i] <
// 2^(BITS-1), and the packing below is injective): BITS-1 bit signals, and the top bit the
// linear combination d = u[i] - sum_b bits[i][b] 2^b, which must be 0 or 2^(BITS-1):
// d * (d - 2^(BITS-1)) === 0 (the same statement as a top bit signal plus `sum === u[i]`, one
// constraint less per value; written with d, not d / 2^(BITS-1), so its coefficients are small
// powers of two rather than full field elements, which the Groth16 setup pays per bit);
// K = floor(250/BITS) values are packed per field element e = sum u_j 2^(BITS j) (< 2^250 < p:
// no wrap-around); out = PoseidonSponge(E, HEAD) over the packed elements, HEAD =
// Poseidon(VERSION, E). `out` is a public signal.
// Cost: N * BITS for the range checks + E for the packing + the sponge.
//
// NOTE: `checked[i]` (= in[i]) is what the model must read, so the proven input is exactly
// the committed one.
template InputCommitment(N, BITS, HEAD) {
    assert(BITS >= 2);
    var K = 250 \ BITS;
    var E = (N + K - 1) \ K;
    var TOP = (1 << (BITS - 1));
    signal input in[N];
    signal output checked[N];
    signal output out;
    signal bits[N][BITS - 1];
    var e[E];
    for (var j = 0; j < E; j++) e[j] = 0;
    for (var i = 0; i < N; i++) {
        var u = in[i] + TOP;
        var low = 0;
        for (var b = 0; b < BITS - 1; b++) {
            bits[i][b] <-- (u >> b) & 1;
            bits[i][b] * (bits[i][b] - 1) === 0;
            low += bits[i][b] * (1 << b);
        }
        (u - low) * (u - low - TOP) === 0;
        checked[i] <== in[i];
        // packed from in[i], not from the bits: one term per value, so the packing
        // constraint stays short
        e[i \ K] += u * (1 << (BITS * (i % K)));
    }
    component sponge = PoseidonSponge(E, HEAD);
    for (var j = 0; j < E; j++) sponge.in[j] <== e[j];
    out <== sponge.out;
}
