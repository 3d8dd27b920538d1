import type { ColumnSlots } from '../evaluation/permutation-importance.ts';
import { encoderWidth, type PreprocessingState } from '../preprocessing/preprocessing-state.ts';

export type { ColumnSlots } from '../evaluation/permutation-importance.ts';

/**
 * Where each dataset column lands in the encoded matrix: a numeric or boolean column one slot
 * (scaled, imputed), a categorical column its one-hot slots and the unknown slot. Attributions
 * and importances move or sum a whole group, so they are reported in the columns the user sent.
 */
export function columnSlots(state: PreprocessingState): ColumnSlots[] {
  let offset = 0;
  return state.features.map((encoder) => {
    const width = encoderWidth(encoder);
    const slots = { column: encoder.name, offset, width };
    offset += width;
    return slots;
  });
}
