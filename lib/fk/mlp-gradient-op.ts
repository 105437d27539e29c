// The input gradient of a tanh MLP with one output, g(x) = d MLP(x) / dx, as one taped operation with a
// hand-written backward pass. A drift v = grad log psi is such a gradient, and Feynman-Kac training
// differentiates the path cost through it, in the weights and in x: a second derivative. Autodiff
// through the forward-mode tangents (ScalarMlp's reference path) taped about 45 kernels a call, each
// saving its operands by one more kernel (tfjs clones what a gradient needs), so the bosons' step was
// dispatches, not arithmetic. Here the forward pass runs untaped and the backward pass is written out:
//
//   h_0 = x,  h_l = tanh(h_{l-1} W_l + b_l),  s_l = 1 - h_l^2           (l = 1..L, tanh layers)
//   T_1 = s_1 * W_1[j]  (one block per input j),  U_l = T_{l-1} W_l,  T_l = s_l * U_l
//   g = T_L W_out                                                        (one column per input)
//
// The k inputs' tangent blocks are stacked as rows [k m, width], so each layer is one product whatever k
// is. Backward, for an upstream gradient dg: dT_L = dg W_out^T, then per layer from the top
//   dU_l = dT_l * s_l,  ds_l = sum_j dT_l[j] * U_l[j],  da_l = (dh_l - 2 h_l * ds_l) * s_l,
//   dW_l = h_{l-1}^T da_l + T_{l-1}^T dU_l,  db_l = sum da_l,  dh_{l-1} = da_l W_l^T,  dT_{l-1} = dU_l W_l^T
// (for l = 1 the tangent term of dW_1 is the column sum of each block dU_1[j], and dh_0 is dx). The
// chain is computed when the backward pass starts; the products that only one input needs (dW_l, db_l,
// dx) run only if tfjs asks for that input.
import * as tf from '../core/tf';
import { ShapeError, fmtShape } from '../core/errors';
import { lazyGradientOp } from '../core/ops';
import { matrixProduct } from '../engine/wasm-matmul';

/**
 * g = d MLP / dx, [m, k], of the MLP x -> tanh(... tanh(x W_1 + b_1) ...) W_out: `weights` are W_1..W_L and
 * W_out ([width, 1]), `biases` the L tanh layers' (the output bias does not enter a gradient).
 */
export function tanhMlpInputGradient(x: tf.Tensor2D, weights: tf.Tensor2D[], biases: tf.Tensor1D[]): tf.Tensor2D {
  checkLayers(x, weights, biases);
  const L = biases.length;
  const [m, k] = x.shape;
  const inputs: Record<string, tf.Tensor> = { x };
  weights.forEach((w, l) => { inputs[`w${l}`] = w; });
  biases.forEach((b, l) => { inputs[`b${l}`] = b; });
  const blocks = (t: tf.Tensor) => tf.reshape(t, [k, m, -1]) as tf.Tensor3D; // [k m, w] -> [k, m, w]
  const rows = (t: tf.Tensor) => tf.reshape(t, [k * m, -1]) as tf.Tensor2D; // and back
  return lazyGradientOp(inputs, (save) => {
    const h: tf.Tensor2D[] = [x];
    const s: tf.Tensor2D[] = [];
    const U: tf.Tensor2D[] = [];
    const T: tf.Tensor2D[] = [];
    for (let l = 0; l < L; l++) {
      h.push(tf.tanh(matrixProduct(h[l], weights[l], { bias: biases[l] })));
      s.push(tf.sub(1, tf.square(h[l + 1])));
      if (l === 0) {
        T.push(rows(tf.mul(tf.reshape(s[0], [1, m, -1]), tf.reshape(weights[0], [k, 1, -1]))));
      } else {
        U.push(matrixProduct(T[l - 1], weights[l]));
        T.push(rows(tf.mul(blocks(U[l - 1]), s[l])));
      }
    }
    save([...h, ...s, ...U, ...T, ...weights]);
    const g = matrixProduct(T[L - 1], weights[L]); // [k m, 1]
    return k === 1 ? g : tf.transpose(tf.reshape(g, [k, m])) as tf.Tensor2D;
  }, (dg, saved) => {
    const h = saved.slice(0, L + 1) as tf.Tensor2D[];
    const s = saved.slice(L + 1, 2 * L + 1) as tf.Tensor2D[];
    const U = saved.slice(2 * L + 1, 3 * L) as tf.Tensor2D[]; // U[l - 1] belongs to layer l >= 1
    const T = saved.slice(3 * L, 4 * L) as tf.Tensor2D[];
    const W = saved.slice(4 * L) as tf.Tensor2D[];
    const dgRows = k === 1 ? dg : tf.reshape(tf.transpose(dg), [k * m, 1]) as tf.Tensor2D;
    const grads: Record<string, () => tf.Tensor> = {};
    grads[`w${L}`] = () => matrixProduct(T[L - 1], dgRows, { transposeA: true });
    let dT = matrixProduct(dgRows, W[L], { transposeB: true });
    let dh: tf.Tensor2D | null = null;
    for (let l = L - 1; l >= 0; l--) {
      const dT3 = blocks(dT);
      const dU = tf.mul(dT3, s[l]) as tf.Tensor3D;
      const tangentsIn = l === 0 ? tf.reshape(W[0], [k, 1, -1]) : blocks(U[l - 1]);
      const dTU = tf.mul(dT3, tangentsIn);
      const ds = k === 1 ? tf.reshape(dTU, [m, -1]) : tf.sum(dTU, 0);
      const dhTotal = tf.mul(tf.mul(h[l + 1], ds), -2);
      const da = tf.mul(dh ? tf.add(dh, dhTotal) : dhTotal, s[l]) as tf.Tensor2D;
      const hIn = h[l];
      const Wl = W[l];
      grads[`b${l}`] = () => tf.sum(da, 0);
      if (l === 0) {
        grads.w0 = () => tf.add(matrixProduct(hIn, da, { transposeA: true }), tf.sum(dU, 1));
        grads.x = () => matrixProduct(da, Wl, { transposeB: true });
      } else {
        const tIn = T[l - 1];
        grads[`w${l}`] = () => tf.add(matrixProduct(hIn, da, { transposeA: true }), matrixProduct(tIn, rows(dU), { transposeA: true }));
        dh = matrixProduct(da, Wl, { transposeB: true });
        dT = matrixProduct(rows(dU), Wl, { transposeB: true });
      }
    }
    return grads;
  });
}

function checkLayers(x: tf.Tensor2D, weights: tf.Tensor2D[], biases: tf.Tensor1D[]): void {
  const fix = 'pass weights W_1..W_L, W_out as [in, out] matrices chained from x\'s columns to one output, and the L tanh layers\' biases';
  if (x.rank !== 2) throw new ShapeError(`the MLP's input has shape ${fmtShape(x.shape)}, not [batch, inputs]`, 'pass a 2-D tensor');
  if (biases.length < 1 || weights.length !== biases.length + 1) {
    throw new ShapeError(`${weights.length} weight matrices and ${biases.length} biases do not make tanh layers and an output layer`, fix);
  }
  let width = x.shape[1];
  weights.forEach((w, l) => {
    const out = l === biases.length ? 1 : biases[l].shape[0];
    if (w.rank !== 2 || w.shape[0] !== width || w.shape[1] !== out) {
      throw new ShapeError(`weight ${l + 1} has shape ${fmtShape(w.shape)}, expected [${width}, ${out}]`, fix);
    }
    width = out;
  });
}
