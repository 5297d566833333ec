pragma circom 2.1.6;

include "poseidon.circom";

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
    component head = Poseidon(2);
    head.inputs[0] <== TAG;
    head.inputs[1] <== LENGTH;
    component blocks[BLOCKS];
    for (var k = 0; k < BLOCKS; k++) {
        blocks[k] = Poseidon(16);
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
