import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation } from 'react-router';

/** The pages the navigation lists. Only pages that exist belong here. */
const NAV_ITEMS = [
  { to: '/', label: 'Register', end: true },
  { to: '/claim', label: 'Claim', end: false },
  { to: '/status', label: 'Status', end: false },
  { to: '/affiliate', label: 'Affiliate', end: false },
  { to: '/admin', label: 'Admin', end: false },
] as const;

/**
 * The frame around every page: skip link, header with the navigation, and the main landmark. After a
 * client-side navigation focus moves to the main landmark, so keyboard and screen-reader users start at
 * the new page's content instead of wherever the old page left them. On a narrow screen (below 48rem) the
 * navigation collapses behind a Menu button (a disclosure: aria-expanded, aria-controls); choosing a page
 * or pressing Escape closes it.
 */
export function Layout({ children }: { children?: ReactNode }) {
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const previousPathname = useRef(pathname);
  const [menuOpen, setMenuOpen] = useState(false);
  const navId = useId();

  useEffect(() => {
    if (previousPathname.current === pathname) return;
    previousPathname.current = pathname;
    setMenuOpen(false);
    mainRef.current?.focus();
  }, [pathname]);

  useEffect(() => {
    if (!menuOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButtonRef.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [menuOpen]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand" aria-label="SGE home">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>SGE</span>
          </Link>
          <button
            ref={menuButtonRef}
            type="button"
            className="button button--small menu-button"
            aria-expanded={menuOpen}
            aria-controls={navId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <nav aria-label="Main" id={navId} className="site-nav" data-open={menuOpen}>
            <ul className="nav">
              {NAV_ITEMS.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    end={item.end}
                    className="nav__link"
                    onClick={() => setMenuOpen(false)}
                  >
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="main">
        {children ?? <Outlet />}
      </main>
      <ScrollRestoration />
    </>
  );
}
