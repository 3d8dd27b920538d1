import { preprocessingKind } from '../preprocessing/deep-state.ts';
import type { DeepPreprocessing } from '../preprocessing/deep-state.ts';
import type { ImageLimits } from '../preprocessing/image-instances.ts';
import type { PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { imageAdapter, sequenceAdapter, textAdapter } from './deep-input-adapters.ts';
import type { InputAdapter } from './input-adapter.ts';
import { tabularAdapter } from './tabular-input-adapter.ts';

/**
 * The adapter for a version's stored preprocessing JSON, chosen by its `kind`: tabular (no
 * kind), image, text or sequence. `imageLimits` bound what an image model's requests may decode.
 */
export function adapterFor(preprocessing: unknown, options: { imageLimits?: ImageLimits } = {}): InputAdapter {
  switch (preprocessingKind(preprocessing)) {
    case 'image':
      return imageAdapter(preprocessing as Extract<DeepPreprocessing, { kind: 'image' }>, options.imageLimits);
    case 'text':
      return textAdapter(preprocessing as Extract<DeepPreprocessing, { kind: 'text' }>);
    case 'sequence':
      return sequenceAdapter(preprocessing as Extract<DeepPreprocessing, { kind: 'sequence' }>);
    case 'tabular':
      return tabularAdapter(preprocessing as PreprocessingState);
  }
}
