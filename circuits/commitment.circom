pragma circom 2.1.6;

include "poseidon.circom";

// Poseidon commitment to N range-checked values (the `hashed` input visibility), matching
// sdk/src/quantize/inputCommitment.ts.
//
// Constrained: each u[i] = in[i] + 2^(BITS-1) is decomposed into BITS boolean bits (so
// -2^(BITS-1) <= in[i] < 2^(BITS-1), and the packing below is injective); K = floor(250/BITS)
// values are packed per field element e = sum u_j 2^(BITS j) (< 2^250 < p: no wrap-around);
// out = the sponge h = Poseidon(VERSION, nElements), then per block of 15 elements
// h = Poseidon(h, e_1..e_15), zero padded. `out` is a public signal.
// Cost: N * BITS for the range checks + ~ 240 per Poseidon(2) + ~ 630 per Poseidon(16) block.
//
// NOTE: `checked[i]` (= in[i]) is what the model must read, so the proven input is exactly
// the committed one.
template InputCommitment(N, BITS, VERSION) {
    var K = 250 \ BITS;
    var E = (N + K - 1) \ K;
    var BLOCKS = (E + 14) \ 15;
    signal input in[N];
    signal output checked[N];
    signal output out;
    signal bits[N][BITS];
    var e[BLOCKS * 15];
    for (var j = 0; j < BLOCKS * 15; j++) e[j] = 0;
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
        e[i \ K] += lc * 2 ** (BITS * (i % K));
    }
    component head = Poseidon(2);
    head.inputs[0] <== VERSION;
    head.inputs[1] <== E;
    component blocks[BLOCKS];
    for (var k = 0; k < BLOCKS; k++) {
        blocks[k] = Poseidon(16);
        if (k == 0) {
            blocks[k].inputs[0] <== head.out;
        } else {
            blocks[k].inputs[0] <== blocks[k - 1].out;
        }
        for (var j = 0; j < 15; j++) blocks[k].inputs[j + 1] <== e[k * 15 + j];
    }
    out <== blocks[BLOCKS - 1].out;
}
