"""``hebbviz download``: fetch MNIST, Fashion-MNIST or KMNIST, verified, into the shared cache."""

import argparse

from hebbviz.commands.progress import ByteBars
from hebbviz.data.download import REMOTE, download, raw_folder


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    sizes = ", ".join(f"{name} {remote.megabytes} MB" for name, remote in REMOTE.items())
    parser = subparsers.add_parser(
        "download",
        help="download MNIST, Fashion-MNIST or KMNIST (no torchvision needed)",
        description=f"Download a data set's four IDX files ({sizes}), check each against its "
        "published MD5, and place it in torchvision's layout (ROOT/MNIST/raw/...) in your "
        "per-user cache, where --dataset NAME (and the torchvision extra) find it. Files that are "
        "there already are not fetched again.",
    )
    parser.add_argument("name", choices=tuple(REMOTE), help="the data set")
    parser.add_argument(
        "--to",
        metavar="DIR",
        help="put the files in DIR/MNIST/raw/ (FashionMNIST, KMNIST) instead of the cache; use "
        "them with --data-dir DIR",
    )
    parser.add_argument(
        "--mirror",
        metavar="URL",
        action="append",
        help="a base URL serving the files, tried instead of the built-in mirrors; repeat it to "
        "try several in order",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    remote = REMOTE[args.name]
    print(f"{remote.title} ({remote.megabytes} MB) -> {raw_folder(remote, args.to)}")
    with ByteBars() as bars:
        folder = download(remote, args.to, args.mirror, report=bars.report)
    use = f"--data-dir {args.to}" if args.to is not None else f"--dataset {args.name}"
    print(f"{remote.title}: all {len(remote.files)} files verified in {folder}; use: hebbviz {use}")
    return 0
