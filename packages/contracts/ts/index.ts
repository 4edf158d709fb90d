export * from './anvil';
export * from './foundry-bin';
