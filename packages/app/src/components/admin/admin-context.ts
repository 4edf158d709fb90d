import { createContext, useContext } from 'react';

/** What the /admin layout gives its pages: sign out (forget the key), and the program chosen in the header. */
export interface TAdminContext {
  signOut(): void;
  /** The program the pages filter by; null = all programs (an admin key) or the key's own (a program key). */
  programId: string | null;
  setProgramId(programId: string | null): void;
}

export const AdminContext = createContext<TAdminContext | null>(null);

export function useAdmin(): TAdminContext {
  const context = useContext(AdminContext);
  if (context === null) throw new Error('useAdmin must be used inside the /admin layout');
  return context;
}
