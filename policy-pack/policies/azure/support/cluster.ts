/**
 * What the AKS cluster policies (`azure-native:containerservice:ManagedCluster`, one policy per
 * control so that each can be tuned or disabled on its own) share.
 */

/** Fails closed on an absent value: AKS defaults are the insecure ones for these fields. */
export const isNot = (expected: unknown) => (value: unknown) => value !== expected;
