import { getMetadataStorage } from 'class-validator';
import type { MetadataStorage } from 'class-validator/types/metadata/MetadataStorage';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Lookup = MetadataStorage['getTargetValidationMetadatas'];

const memoized = new WeakSet<MetadataStorage>();

/**
 * Keeps class-validator's answer to "which rules apply to this class" once it is known.
 *
 * class-validator computes it again at every validation of every object: it filters the class's own
 * rules and tests the class against every class that has any (`instanceof`, for inherited rules),
 * then groups them by property. With this API's several hundred request classes that was about 2 %
 * of a launch's CPU, for an answer that changes only when a class is decorated. So the answer is
 * kept per class and options, frozen (a caller that changed it would change it for everyone: it
 * throws instead), and forgotten whenever a rule is registered (a class defined later, or one that
 * `PartialType` and its kind derive).
 */
export function memoizeValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (memoized.has(storage)) return;
  memoized.add(storage);
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let known = new Map<Parameters<Lookup>[0], Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();

  storage.addValidationMetadata = (metadata: ValidationMetadata): void => {
    known = new Map();
    grouped = new WeakMap();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = JSON.stringify([schema ?? null, always, strictGroups, groups ?? null]);
    let byOptions = known.get(target);
    if (!byOptions) known.set(target, (byOptions = new Map()));
    let rules = byOptions.get(key);
    if (!rules) byOptions.set(key, (rules = Object.freeze(lookup(target, schema, always, strictGroups, groups)) as ValidationMetadata[]));
    return rules;
  };
  storage.groupByPropertyName = (metadata: ValidationMetadata[]) => {
    if (!Object.isFrozen(metadata)) return group(metadata);
    let byProperty = grouped.get(metadata);
    if (!byProperty) {
      byProperty = group(metadata);
      for (const list of Object.values(byProperty)) Object.freeze(list);
      grouped.set(metadata, Object.freeze(byProperty));
    }
    return byProperty;
  };
}
