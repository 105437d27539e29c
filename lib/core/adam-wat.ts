// The WebAssembly text of Adam's update as one SIMD pass over a variable, assembled by
// scripts/build-gemm-wasm.ts into adam-binary.ts (a test rebuilds and compares it). The module
// imports the tfjs wasm backend's own memory, so it reads the gradient and the weights where tfjs
// keeps them and writes the new weights into a tensor that tfjs allocated: no copies. tfjs's Adam
// runs about 14 element-wise kernels per variable, each a pass over memory plus its dispatch; this
// is one pass. Every operation is an IEEE float32 operation in the order lib/core/adam.ts gives, so
// the weights stay tf.train.adam's to the last bit (tested).

/**
 * WAT source of a module importing env.memory (shared, up to 4 GiB, when the tfjs backend is the threaded build)
 * and exporting adam(w, g, m, v, out, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1,
 * correction2, epsilon, negativeRate). Pointers are byte offsets of float32 arrays of n values; m
 * and v are updated in place, and out receives
 *   out = (m' / correction1) / (sqrt(v' / correction2) + epsilon) * negativeRate + w
 * with m' = m beta1 + g oneMinusBeta1 and v' = v beta2 + g g oneMinusBeta2.
 */
export function adamWat(shared: boolean): string {
  const splat = (name: string) => `(local.set $${name}4 (f32x4.splat (local.get $${name})))`;
  // one element (f32) or four (f32x4) of the update; `at` is the byte offset within each array
  const body = (t: 'f32' | 'f32x4', load: string, store: string, s: string) => `
        (local.set $gv${s} (${load} (i32.add (local.get $g) (local.get $at))))
        (local.set $mv${s} (${t}.add (${t}.mul (${load} (i32.add (local.get $m) (local.get $at))) (local.get $b1${s}))
                              (${t}.mul (local.get $gv${s}) (local.get $omb1${s}))))
        (local.set $vv${s} (${t}.add (${t}.mul (${load} (i32.add (local.get $v) (local.get $at))) (local.get $b2${s}))
                              (${t}.mul (${t}.mul (local.get $gv${s}) (local.get $gv${s})) (local.get $omb2${s}))))
        (${store} (i32.add (local.get $m) (local.get $at)) (local.get $mv${s}))
        (${store} (i32.add (local.get $v) (local.get $at)) (local.get $vv${s}))
        (${store} (i32.add (local.get $out) (local.get $at))
          (${t}.add
            (${t}.mul
              (${t}.div (${t}.div (local.get $mv${s}) (local.get $c1${s}))
                        (${t}.add (${t}.sqrt (${t}.div (local.get $vv${s}) (local.get $c2${s}))) (local.get $eps${s})))
              (local.get $rate${s}))
            (${load} (i32.add (local.get $w) (local.get $at)))))`;
  return `(module
  (import "env" "memory" (memory 1${shared ? ' 65536 shared' : ''}))
  (func (export "adam")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32) (param $n i32)
    (param $b1 f32) (param $omb1 f32) (param $b2 f32) (param $omb2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $rate f32)
    (local $at i32) (local $vectorEnd i32) (local $end i32)
    (local $gv f32) (local $mv f32) (local $vv f32)
    (local $gv4 v128) (local $mv4 v128) (local $vv4 v128)
    (local $b14 v128) (local $omb14 v128) (local $b24 v128) (local $omb24 v128)
    (local $c14 v128) (local $c24 v128) (local $eps4 v128) (local $rate4 v128)
    ${['b1', 'omb1', 'b2', 'omb2', 'c1', 'c2', 'eps', 'rate'].map(splat).join('\n    ')}
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $at) (local.get $vectorEnd)))${body('f32x4', 'v128.load', 'v128.store', '4')}
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $vectors)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $at) (local.get $end)))${body('f32', 'f32.load', 'f32.store', '')}
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $tail)))))
`;
}
