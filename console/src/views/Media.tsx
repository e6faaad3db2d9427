// A message's file: fetched with the token (the media link answers a redirect to a short-lived storage link).
import { useEffect, useState } from "preact/hooks";
import { fileBlobUrl } from "../api";
import { errorText } from "../format";

export function MediaView({ link, kind, name }: { link: string; kind: string; name: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inline = kind === "image" || kind === "sticker" || kind === "audio" || kind === "voice" || kind === "ptt" || kind === "video";
  useEffect(() => {
    if (!inline) return undefined;
    let revoked = false;
    let made: string | null = null;
    fileBlobUrl(link).then(
      (blob) => {
        made = blob;
        if (revoked) URL.revokeObjectURL(blob);
        else setUrl(blob);
      },
      (failure: unknown) => setError(errorText(failure)),
    );
    return () => {
      revoked = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [link, inline]);

  const download = async () => {
    try {
      const blob = await fileBlobUrl(link);
      const anchor = document.createElement("a");
      anchor.href = blob;
      anchor.download = name;
      anchor.click();
      window.setTimeout(() => URL.revokeObjectURL(blob), 10000);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  if (error) return <p class="media-error">Arquivo indisponível: {error}</p>;
  if (!inline)
    return (
      <button type="button" class="file" onClick={download}>
        📄 {name || "Baixar arquivo"}
      </button>
    );
  if (!url) return <p class="muted small">Carregando arquivo…</p>;
  if (kind === "image" || kind === "sticker") return <img class="media" src={url} alt={name || "Imagem"} />;
  if (kind === "video") return <video class="media" src={url} controls preload="metadata" />;
  return <audio src={url} controls preload="metadata" />;
}
