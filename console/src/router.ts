// A tiny hash router: #/<screen>/<rest…>. Hash routes need no server rewrite (the SPA fallback also exists).
import { useEffect, useState } from "preact/hooks";

export function currentRoute(): string[] {
  return location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
}

export function navigate(path: string): void {
  const target = `#${path.startsWith("/") ? path : `/${path}`}`;
  if (location.hash !== target) location.hash = target;
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
