export { NO_TORCH_BODY, answersTorchVersion, useFakePythons, type FakePythons } from './fake-python.js';
export { checkedOneThreadRecord } from './peer-outcome.js';
