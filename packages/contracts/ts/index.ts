export * from '../generated/artifacts';
export * from './anvil';
export * from './deploy';
export * from './deployment-file';
export * from './foundry-bin';
export * from './payout-approval';
