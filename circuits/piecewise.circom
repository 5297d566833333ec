pragma circom 2.1.6;

include "rescale.circom";

// Smooth unary functions (Exp, Log, Sqrt, Erf, GELU, ELU, Softplus, ...) as piecewise
// polynomials over the proven input range (the `piecewise` op, see
// sdk/core/src/quantize/piecewiseFit.ts for the integer semantics and the fit).
//
// In the segment r that the input's bits select, with t2 = 2 x - center_r (twice the offset
// from the segment's middle, |t2| <= 2^L):
//   P = C_0 + t2 (C_1 + t2 (C_2 + ... + t2 C_D)),   out = rescale(P, SHIFT)
// C_k = sum_r sel_r T[r][k] is linear in the one-hot segment selector, so the Horner steps are
// D constraints. The coefficient table T is a template parameter (constants).
//
// Constrained: the input's bit decomposition (unique: at most 249 bits < log2 p) fixes the
// segment and t2; the selector is a product tree of those bits (exactly one-hot); each Horner
// step is one product; the rescale decomposes P's quotient and remainder (rescale.circom).
//
// NOTE: the caller's table must keep every Horner intermediate below 2^249 (the quantizer
// checks sum_k |C_k| 2^(L k) per segment); the quotient range QBITS is sized by calibration.

// Uniform segments: -2^(BITS-1) <= in < 2^(BITS-1) (a value outside has no witness), cut into
// 2^SEG segments of 2^(BITS-SEG) values selected by the top SEG bits of in + 2^(BITS-1).
// Cost: BITS (decomposition) + 2^SEG - 2 (selector) + D (Horner) + SHIFT + QBITS (rescale).
template PiecewiseUniform(BITS, SEG, D, SHIFT, QBITS, T) {
    signal input in;
    signal output out;
    var L = BITS - SEG;
    assert(BITS < 250);
    signal b[BITS];
    var u = in + (1 << (BITS - 1));
    var lc = 0;
    for (var i = 0; i < BITS; i++) {
        b[i] <-- (u >> i) & 1;
        b[i] * (b[i] - 1) === 0;
        lc += b[i] * (1 << i);
    }
    lc === in + (1 << (BITS - 1));
    // t2 = 2 t - (2^L - 1), t = the low L bits: the offset within the segment, centred.
    var t2 = 1 - (1 << L);
    for (var i = 0; i < L; i++) t2 += b[i] * (1 << (i + 1));

    // sel[2^SEG + r] = 1 iff the top SEG bits spell r (node n's children: 2n, 2n + 1).
    signal sel[2 ** (SEG + 1)];
    sel[0] <== 0;
    sel[1] <== 1;
    for (var level = 0; level < SEG; level++) {
        for (var n = (1 << level); n < (1 << (level + 1)); n++) {
            sel[2 * n + 1] <== sel[n] * b[BITS - 1 - level];
            sel[2 * n] <== sel[n] - sel[2 * n + 1];
        }
    }
    signal h[D + 1];
    for (var k = D; k >= 0; k--) {
        var c = 0;
        for (var r = 0; r < (1 << SEG); r++) c += sel[(1 << SEG) + r] * T[r][k];
        if (k == D) {
            h[k] <== c;
        } else {
            h[k] <== c + t2 * h[k + 1];
        }
    }
    component rs = Rescale(SHIFT, QBITS);
    rs.in <== h[0];
    out <== rs.out;
}

// Saturating uniform segments (Sigmoid, Tanh): -2^(BITS-1) <= in < 2^(BITS-1) (a value outside
// has no witness); on -2^(CBITS-1) <= in < 2^(CBITS-1) it is PiecewiseUniform(CBITS, ...) (T
// fitted there), outside it out = LO (in < 0) or HI (in >= 0), the function's limits.
// In the bits b of u = in + 2^(BITS-1), s = b[BITS-1] is 1 iff in >= 0, and in is inside iff
// b[CBITS-1..BITS-2] all equal 1 - s (miss = how many do not: one product); the inner offset
// in + 2^(CBITS-1) is the bits s, b[CBITS-2..0] (a valid CBITS-bit offset whatever in is, so
// the polynomial and its rescale stay in their proven range outside too).
// Cost: BITS (decomposition) + 1 (miss) + 2 (IsZero) + 1 (output select) + 2^(SEG+1) - 2
// (selector) + D (Horner) + SHIFT + QBITS (rescale).
template PiecewiseSaturated(BITS, CBITS, SEG, D, SHIFT, QBITS, LO, HI, T) {
    signal input in;
    signal output out;
    var L = CBITS - SEG;
    assert(BITS < 250);
    assert(CBITS < BITS);
    signal b[BITS];
    var u = in + (1 << (BITS - 1));
    var lc = 0;
    for (var i = 0; i < BITS; i++) {
        b[i] <-- (u >> i) & 1;
        b[i] * (b[i] - 1) === 0;
        lc += b[i] * (1 << i);
    }
    lc === in + (1 << (BITS - 1));
    var K = BITS - CBITS;
    var high = 0;
    for (var i = CBITS - 1; i < BITS - 1; i++) high += b[i];
    // miss = K - high (s = 0: the bits should all be 1) or high (s = 1: all 0)
    signal flip;
    flip <== b[BITS - 1] * (2 * high - K);
    signal miss;
    miss <== K - high + flip;
    signal inv;
    inv <-- miss != 0 ? 1 / miss : 0;
    signal inside;
    inside <== 1 - miss * inv;
    inside * miss === 0;

    // the inner offset's bits: c[i] = b[i] below CBITS - 1, c[CBITS - 1] = s
    var t2 = 1 - (1 << L);
    for (var i = 0; i < L; i++) t2 += b[i] * (1 << (i + 1));
    signal sel[2 ** (SEG + 1)];
    sel[0] <== 0;
    sel[1] <== 1;
    for (var level = 0; level < SEG; level++) {
        var top = level == 0 ? BITS - 1 : CBITS - 1 - level;
        for (var n = (1 << level); n < (1 << (level + 1)); n++) {
            sel[2 * n + 1] <== sel[n] * b[top];
            sel[2 * n] <== sel[n] - sel[2 * n + 1];
        }
    }
    signal h[D + 1];
    for (var k = D; k >= 0; k--) {
        var c = 0;
        for (var r = 0; r < (1 << SEG); r++) c += sel[(1 << SEG) + r] * T[r][k];
        if (k == D) {
            h[k] <== c;
        } else {
            h[k] <== c + t2 * h[k + 1];
        }
    }
    component rs = Rescale(SHIFT, QBITS);
    rs.in <== h[0];
    // out = inside ? the polynomial : (s ? HI : LO)
    var limit = LO + b[BITS - 1] * (HI - LO);
    out <== inside * (rs.out - limit) + limit;
}

// Octave segments: 0 <= in < 2^(BITS-1) (a negative value has no witness); segment e is
// [2^e, 2^(e+1)) (the leading bit e, t2 = 2 in - 3 2^e), row BITS-1 of T is in = 0 (t2 = 0).
// Cost: BITS - 1 (decomposition) + BITS - 1 (leading bit) + D (Horner) + SHIFT + QBITS.
template PiecewiseOctave(BITS, D, SHIFT, QBITS, T) {
    signal input in;
    signal output out;
    var M = BITS - 1;
    assert(M < 250);
    signal b[M];
    var lc = 0;
    for (var i = 0; i < M; i++) {
        b[i] <-- (in >> i) & 1;
        b[i] * (b[i] - 1) === 0;
        lc += b[i] * (1 << i);
    }
    lc === in;
    // z[i] = 1 iff some bit at or above i is set; z[i] - z[i + 1] = 1 exactly at the leading bit.
    signal z[M + 1];
    z[M] <== 0;
    for (var i = M - 1; i >= 0; i--) z[i] <== z[i + 1] + b[i] - z[i + 1] * b[i];
    var t2 = 2 * in;
    for (var i = 0; i < M; i++) t2 -= 3 * (1 << i) * (z[i] - z[i + 1]);
    signal h[D + 1];
    for (var k = D; k >= 0; k--) {
        var c = (1 - z[0]) * T[M][k];
        for (var e = 0; e < M; e++) c += (z[e] - z[e + 1]) * T[e][k];
        if (k == D) {
            h[k] <== c;
        } else {
            h[k] <== c + t2 * h[k + 1];
        }
    }
    component rs = Rescale(SHIFT, QBITS);
    rs.in <== h[0];
    out <== rs.out;
}
