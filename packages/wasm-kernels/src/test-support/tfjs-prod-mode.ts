import * as tf from '@tensorflow/tfjs-core';

// Production mode, as the runtime's initBackend sets it: in tfjs 4.22 it only silences tfjs' warnings, here the cpu
// backend's "install tfjs-node" banner (the cpu backend is these tests' reference). tfjs' own IS_TEST flag would do
// the same but also turns on its engine's kernel-leak assertions, which fail inside tfjs' softmaxCrossEntropy op.
tf.enableProdMode();
