/** Flattens an intersection so editors show one object type. */
type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * The saga data after a step: `TData` with `TPatch` merged over it, later keys winning as
 * they do at run time (`{ ...data, ...patch }`).
 */
export type MergeData<TData, TPatch> = Simplify<Omit<TData, keyof TPatch> & TPatch>;
