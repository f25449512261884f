"""2D convolution, forward and backward: the naive loops the book teaches with, and the
fast im2col version it trains with.

Shapes: ``x (N, C, H, W)``, ``weight (FN, C/groups, FH, FW)``, output ``(N, FN, OH, OW)`` with
``OH = floor((H + top + bottom - dh*(FH - 1) - 1) / sh) + 1`` (likewise ``OW``), which is
``floor((H + 2*padding - FH) / stride) + 1`` without dilation.

The hyper-parameters are PyTorch's (``torch.nn.functional.conv2d``), each an int or an
``(h, w)`` pair:

- ``stride``: how many cells the window moves between outputs;
- ``padding``: zeros added on each side, or ``'valid'`` (none) or ``'same'`` (stride 1: the
  output is as large as the input; ``d*(F - 1)`` zeros in all, the odd one below or right);
- ``dilation``: the step between the kernel's taps; a window spans ``d*(F - 1) + 1`` cells;
- ``groups``: the input channels and the filters are split into ``groups`` equal groups, and
  each group of filters sees only its group of channels (so weight's dimension 1 is ``C/groups``).

``conv2d``, ``conv2d_backward`` and ``Conv2d`` take ``algorithm=``: ``'im2col'`` (every
convolution), ``'winograd'`` (F(2x2, 3x3), module :mod:`.winograd`: 3x3 kernels, stride 1,
dilation 1, groups 1, float32/float64) or ``'auto'`` (the default: where Winograd applies,
the faster of the two, measured on this machine on the first call of each shape by
:mod:`.algorithm_search`, which also says how to switch the measuring off). The naive
loops are the separate ``*_naive`` functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..shapes import IntOrPair, PadPairs, Padding, check_dilation, check_groups, check_hyper, padding_pairs, window_count
from . import algorithm_search, winograd
from ._common import _as_dtype, _check_grad_output, _numeric, _pad, _pad_into, _result_dtype, _unpad
from ._workspace import Workspace, scratch


@dataclass(frozen=True)
class ConvSpec:
    """A convolution's checked hyper-parameters, and the output size they give.

    ``padding`` is ``((top, bottom), (left, right))``; ``mode`` is how the padding is
    filled, one of the modes of :func:`cnnlab.functional.pad` ('constant' means zeros).
    """

    stride: tuple[int, int]
    padding: PadPairs
    dilation: tuple[int, int]
    groups: int
    out_size: tuple[int, int]
    mode: str = "constant"


def _prepare_conv(x, weight, bias, stride, padding, dilation, groups, fname: str):
    """Check the arguments of a 2D convolution and bring them to batch form.

    Returns ``x (N, C, H, W)``, ``weight (FN, C/groups, FH, FW)``, ``bias (FN,)`` or None, the
    :class:`ConvSpec` and the number of leading axes to drop from the result (0 for a batch,
    1 for one image, 2 for a grey image).
    """
    x = _numeric(x, "x")
    weight = _numeric(weight, "weight")
    shapes = f"x shape {x.shape}, weight shape {weight.shape}"
    if x.ndim == 2:
        if weight.ndim != 2:
            raise ValueError(
                f"{fname}: x is a single grey image of shape {x.shape} (H, W), so weight must "
                f"be one kernel of shape (FH, FW); got weight of shape {weight.shape}. For "
                "filters of shape (FN, C, FH, FW), pass x as (N, C, H, W), e.g. x[None, None]."
            )
        drop = 2
        x, weight = x[None, None], weight[None, None]
    elif x.ndim in (3, 4):
        if weight.ndim != 4:
            raise ValueError(
                f"{fname}: weight must have shape (FN, C, FH, FW) = (out_channels, in_channels, "
                f"kernel height, kernel width); got {weight.ndim} dimensions, shape {weight.shape}. "
                "For a single filter of shape (C, FH, FW) use weight[None]."
            )
        drop = 1 if x.ndim == 3 else 0
        if x.ndim == 3:
            x = x[None]
    else:
        raise ValueError(
            f"{fname}: x must have shape (N, C, H, W) for a batch, (C, H, W) for one image, "
            f"or (H, W) for one grey image; got {x.ndim} dimensions, shape {x.shape}."
        )
    n, c, h, w = x.shape
    fn, fc, fh, fw = weight.shape
    try:
        g = check_groups(groups, c, fn)
    except ValueError as err:
        raise ValueError(f"{fname} ({shapes}): {err}") from None
    if fc * g != c:
        per_group = "" if g == 1 else f" in each of groups={g}, {fc * g} in all"
        raise ValueError(
            f"{fname}: x has {c} channels ({shapes}) but "
            f"weight expects {fc}{per_group} (its dimension 1 counts the input channels each filter sees). "
            f"Each filter needs one kernel slice per input channel it sees: use weight of shape "
            f"({fn}, {c // g}, {fh}, {fw}), or give x {fc * g} channels."
        )
    (sh, sw), dilation = check_hyper(1, stride, 0)[1], check_dilation(dilation)
    pads = padding_pairs(padding, (fh, fw), stride, dilation)
    try:
        oh = window_count(h, fh, sh, pads[0], "height", dilation[0])
        ow = window_count(w, fw, sw, pads[1], "width", dilation[1])
    except ValueError as err:
        raise ValueError(f"{fname} ({shapes}, stride {stride!r}, padding {padding!r}): {err}") from None
    if bias is not None:
        bias = _numeric(bias, "bias")
        want = () if drop == 2 else (fn,)
        if bias.shape not in (want, (fn,)):
            raise ValueError(
                f"{fname}: bias must hold one number per filter, shape ({fn},) for {fn} "
                f"filter(s); got shape {bias.shape}."
            )
        bias = bias.reshape(fn)
    return x, weight, bias, ConvSpec((sh, sw), pads, dilation, g, (oh, ow)), drop


def _window(i: int, j: int, kernel: tuple[int, int], spec: ConvSpec) -> tuple[slice, slice]:
    """The rows and columns of the padded input under output cell ``(i, j)``: ``FH`` rows
    ``dh`` apart from row ``i*sh``, and ``FW`` columns ``dw`` apart from column ``j*sw``."""
    (fh, fw), (sh, sw), (dh, dw) = kernel, spec.stride, spec.dilation
    return slice(i * sh, i * sh + dh * (fh - 1) + 1, dh), slice(j * sw, j * sw + dw * (fw - 1) + 1, dw)


def _group_channels(f: int, weight: np.ndarray, groups: int) -> slice:
    """The input channels filter ``f`` sees: those of its group, ``C/groups`` of them."""
    fn, c_group = weight.shape[:2]
    g = f // (fn // groups)
    return slice(g * c_group, (g + 1) * c_group)


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
    *,
    algorithm: str = "auto",
) -> np.ndarray:
    """2D cross-correlation, the "convolution" of deep learning (as ``torch.nn.functional.conv2d``).

    ``out[n, f, i, j] = bias[f] + sum_{c,p,q} weight[f, c, p, q] * xpad[n, g*C/groups + c, i*sh + p*dh, j*sw + q*dw]``
    where ``g`` is the group of filter ``f`` (``g = 0`` and ``C/groups = C`` when ``groups=1``).

    Shapes:
        x:      ``(N, C, H, W)``, or ``(C, H, W)`` for one image, or ``(H, W)`` for one grey image
        weight: ``(FN, C/groups, FH, FW)``, or ``(FH, FW)`` when ``x`` is ``(H, W)``
        bias:   ``(FN,)`` or None (a single number when ``x`` is ``(H, W)``)
        returns ``(N, FN, OH, OW)``, ``(FN, OH, OW)`` or ``(OH, OW)`` to match ``x``, with
        ``OH = floor((H + top + bottom - dh*(FH - 1) - 1) / sh) + 1`` (likewise ``OW``).

    ``stride``, ``padding`` and ``dilation`` take an int or an ``(h, w)`` pair; ``padding``
    also ``'valid'`` or ``'same'``, and adds zeros. Floating-point inputs keep their dtype
    (float32 stays float32).

    ``algorithm``: ``'auto'`` (default), ``'im2col'`` or ``'winograd'`` (see the module's
    docstring); Winograd's result equals im2col's up to rounding. The first 'auto' call of a
    shape where Winograd applies also times both algorithms, forward and backward
    (:mod:`.algorithm_search`).
    """
    x, weight, bias, spec, drop = _prepare_conv(x, weight, bias, stride, padding, dilation, groups, "conv2d")
    x, weight, bias = _as_dtype(_result_dtype(x, weight, bias), x, weight, bias)
    out, _ = _conv2d_fast(x, weight, bias, spec, algorithm, "conv2d")
    return out[(0,) * drop]


def conv2d_naive(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
) -> np.ndarray:
    """The same as :func:`conv2d`, written as loops that read like the formula.

    For every image ``n``, filter ``f`` and output cell ``(i, j)``: cut out the window
    of the padded input under the kernel (the channels of the filter's group; taps
    ``dilation`` apart), multiply it element-wise by the filter, sum, and add the bias.
    Shapes as in :func:`conv2d`. Slow: for teaching and testing.
    """
    x, weight, bias, spec, drop = _prepare_conv(
        x, weight, bias, stride, padding, dilation, groups, "conv2d_naive"
    )
    xp = _pad(x, spec.padding)
    out = np.zeros((x.shape[0], weight.shape[0]) + spec.out_size, dtype=_result_dtype(x, weight, bias))
    for n, f, i, j in np.ndindex(*out.shape):
        rows, cols = _window(i, j, weight.shape[2:], spec)
        window = xp[n, _group_channels(f, weight, spec.groups), rows, cols]
        out[n, f, i, j] = np.sum(window * weight[f])
        if bias is not None:
            out[n, f, i, j] += bias[f]
    return out[(0,) * drop]


# --- The fast convolution: im2col, one strided copy per kernel cell --------------------------
#
# For every kernel cell (p, q), the input pixels it multiplies form one strided slice of the
# padded input: xp[..., p*dh + i*sh, q*dw + j*sw] for all output cells (i, j). Copying those
# FH*FW slices (nine for a 3x3 kernel) builds the column matrix in a few large copies, not one
# per output cell; one matrix product with the filters then does all the multiply-adds on BLAS
# (one product per group: a group's filters meet only its channels' rows). The backward pass
# multiplies by the transposed matrices and adds the column gradients back through the same
# slices (col2im).
#
# The padded input, the columns and their gradients are laid out batch-last, (C, Hp, Wp, N):
# then a slice's contiguous runs are OW*N values long at stride 1 (N otherwise), where in
# (N, C, H, W) they are OW values long, and the copies of small layers (LeNet's 10x10 outputs)
# cost numpy one short inner loop per output row. The input, output and gradients are
# transposed to and from that layout once per call. benchmarks/README.md lists the designs
# measured against it.


def _kernel_cells(kernel: tuple[int, int], stride: tuple[int, int], out: tuple[int, int],
                  dilation: tuple[int, int] = (1, 1)):
    """Yield ``(p, q, window)`` for each kernel cell; ``xp[window]`` is ``(..., OH, OW)``.

    ``xp[window][..., i, j] == xp[..., p*dh + i*sh, q*dw + j*sw]``: the input value that
    kernel cell ``(p, q)`` meets at output cell ``(i, j)``. (For a batch-last ``xp (..., Hp,
    Wp, N)``, ``window + (slice(None),)`` takes the same cells of every image.)
    """
    (kh, kw), (sh, sw), (oh, ow), (dh, dw) = kernel, stride, out, dilation
    for p in range(kh):
        for q in range(kw):
            top, left = p * dh, q * dw
            yield p, q, (..., slice(top, top + sh * (oh - 1) + 1, sh), slice(left, left + sw * (ow - 1) + 1, sw))


def _im2col(x: np.ndarray, kernel: tuple[int, int], spec: ConvSpec, keep: Workspace | None = None) -> np.ndarray:
    """``x (N, C, H, W)``, padded as ``spec`` says -> columns ``(groups, FH*FW*C/groups, OH*OW*N)``.

    Row ``(p, q, c)`` of group ``g``, column ``(i, j, n)`` holds
    ``xpad[n, g*C/groups + c, i*sh + p*dh, j*sw + q*dw]``. The columns are a buffer of ``keep``
    (a layer's own workspace), or of this thread's scratch workspace (valid until its next
    call) when ``keep`` is None.
    """
    n, c, h, w = x.shape
    (top, bottom), (left, right) = spec.padding
    g = spec.groups
    xp = scratch().get("xp batch-last", (c, h + top + bottom, w + left + right, n), x.dtype)
    _pad_into(x, spec.padding, spec.mode, xp.transpose(3, 0, 1, 2))
    by_group = xp.reshape((g, c // g) + xp.shape[1:])
    cols = (scratch() if keep is None else keep).get("cols", (g,) + kernel + (c // g,) + spec.out_size + (n,), x.dtype)
    for p, q, window in _kernel_cells(kernel, spec.stride, spec.out_size, spec.dilation):
        cols[:, p, q] = by_group[window + (slice(None),)]
    return cols.reshape(g, -1, cols[0, 0, 0, 0].size)


def _col2im(dcols: np.ndarray, x_shape, kernel: tuple[int, int], spec: ConvSpec) -> np.ndarray:
    """The adjoint of :func:`_im2col`: add each column gradient back where it was read.

    ``dcols (groups, FH*FW*C/groups, OH*OW*N)`` -> ``dx (N, C, H, W)`` (a new array; the
    gradient of the padding is dropped or, for the other padding modes, added to the cells
    it copied).
    """
    n, c, h, w = x_shape
    (top, bottom), (left, right) = spec.padding
    g = spec.groups
    dcols = dcols.reshape((g,) + kernel + (c // g,) + spec.out_size + (n,))
    dxp = scratch().get("dxp batch-last", (g, c // g, h + top + bottom, w + left + right, n), dcols.dtype)
    dxp[...] = 0
    for p, q, window in _kernel_cells(kernel, spec.stride, spec.out_size, spec.dilation):
        dxp[window + (slice(None),)] += dcols[:, p, q]
    dxp = dxp.reshape(c, *dxp.shape[2:]).transpose(3, 0, 1, 2)  # (N, C, Hp, Wp), a view
    dx = _unpad(dxp, x_shape, spec.padding, spec.mode)
    return dx.copy() if np.shares_memory(dx, dxp) else np.ascontiguousarray(dx)  # never the scratch buffer


def _filters_as_rows(weight: np.ndarray, groups: int) -> np.ndarray:
    """``weight (FN, C/groups, FH, FW)`` -> ``(groups, FN/groups, FH*FW*C/groups)``, ordered
    like the rows of the columns."""
    fn = weight.shape[0]
    return weight.transpose(0, 2, 3, 1).reshape(groups, fn // groups, -1)


def _per_group(a: np.ndarray, b: np.ndarray, role: str | None = None) -> np.ndarray:
    """``a @ b`` for stacks of one matrix per group, ``(groups, M, K) @ (groups, K, L)``;
    into a scratch buffer of that ``role`` when given, else a new array.

    One group (the usual case) takes numpy's 2-D product: on two threads the stacked call
    was 17% slower for LeNet's first layer (6x25 by 25x50176, float32).
    """
    out = None if role is None else scratch().get(role, (len(a), a.shape[1], b.shape[2]), np.result_type(a, b))
    if len(a) == 1:
        return np.matmul(a[0], b[0], out=None if out is None else out[0])[None]
    return np.matmul(a, b, out=out)


def _conv2d_cols(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, spec: ConvSpec,
                 keep: Workspace | None = None):
    """Fast convolution of a batch; returns ``(out (N, FN, OH, OW), cols)`` for the backward
    (``cols`` in ``keep`` as :func:`_im2col` says; ``out`` is always a new array)."""
    fn, _, fh, fw = weight.shape
    cols = _im2col(x, (fh, fw), spec, keep)
    out = _per_group(_filters_as_rows(weight, spec.groups), cols, "product").reshape(fn, -1)  # (FN, OH*OW*N)
    if bias is not None:
        out += bias[:, None]
    return out.reshape((fn,) + spec.out_size + (x.shape[0],)).transpose(3, 0, 1, 2).copy(), cols


def _conv2d_backward_cols(grad_output: np.ndarray, cols: np.ndarray, x_shape, weight: np.ndarray,
                          spec: ConvSpec):
    """Gradients of a batch convolution from the columns its forward pass built.

    Returns ``dx (N, C, H, W)``, ``dweight (FN, C/groups, FH, FW)``, ``dbias (FN,)``.
    """
    fn, c_group, fh, fw = weight.shape
    g = spec.groups
    grad = scratch().get("grad batch-last", (fn,) + grad_output.shape[2:] + grad_output.shape[:1], grad_output.dtype)
    grad[...] = grad_output.transpose(1, 2, 3, 0)
    grad = grad.reshape(g, fn // g, -1)  # (groups, FN/groups, OH*OW*N)
    # dweight = grad @ cols.T, computed as (cols @ grad.T).T: 25-30% faster for LeNet's layers
    dweight = _per_group(cols, grad.transpose(0, 2, 1)).transpose(0, 2, 1)
    dweight = dweight.reshape(fn, fh, fw, c_group).transpose(0, 3, 1, 2)
    dcols = _per_group(_filters_as_rows(weight, g).transpose(0, 2, 1), grad, "dcols")  # (groups, FH*FW*C/groups, OH*OW*N)
    dx = _col2im(dcols, x_shape, (fh, fw), spec)
    return dx, np.ascontiguousarray(dweight), grad.sum(axis=2).reshape(fn)


def _forward_by(plan: algorithm_search.Plan, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                spec: ConvSpec, keep: Workspace | None = None):
    """A batch convolution by ``plan``: ``(out, saved)`` as :func:`_conv2d_fast` returns them."""
    if plan.algorithm == "winograd":
        out, v = winograd.forward(x, weight, bias, spec, keep, plan.threads)
        return out, (plan, v)
    out, cols = _conv2d_cols(x, weight, bias, spec, keep)
    return out, (plan, cols)


def _plan(algorithm: str, x: np.ndarray, weight: np.ndarray, spec: ConvSpec, fname: str) -> algorithm_search.Plan:
    """The plan for ``algorithm`` on this call (:func:`.algorithm_search.plan`); measuring
    runs forward and backward on the call's own ``x`` and ``weight`` (its output serves as
    the upstream gradient), in this thread's scratch."""

    def run(plan):
        out, saved = _forward_by(plan, x, weight, None, spec)
        _conv2d_fast_backward(out, saved, x.shape, weight, spec)

    return algorithm_search.plan(algorithm, x.shape, weight.shape, spec, x.dtype, fname, run)


def _conv2d_fast(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, spec: ConvSpec,
                 algorithm: str, fname: str, keep: Workspace | None = None):
    """A batch convolution by the plan chosen for ``algorithm`` (:func:`_plan`).

    Returns ``(out, saved)``; ``saved`` is what the backward pass needs, ``(plan, cols)``
    or ``(plan, V)``. ``keep``: a layer's own workspace, to hold the columns or ``V``
    past other calls (without it they live in this thread's scratch until its next call).
    """
    return _forward_by(_plan(algorithm, x, weight, spec, fname), x, weight, bias, spec, keep)


def _conv2d_fast_backward(grad: np.ndarray, saved, x_shape, weight: np.ndarray, spec: ConvSpec):
    """``(dx, dweight, dbias)`` of a batch convolution from what :func:`_conv2d_fast` saved."""
    plan, data = saved
    if plan.algorithm == "winograd":
        return winograd.backward(grad, data, x_shape, weight, spec, plan.threads)
    return _conv2d_backward_cols(grad, data, x_shape, weight, spec)


def _prepare_conv_backward(grad_output, x, weight, stride, padding, dilation, groups, fname: str):
    """Check a convolution's backward call: as :func:`_prepare_conv`, plus ``grad_output``
    brought to ``(N, FN, OH, OW)``; the three arrays share one dtype."""
    x, weight, _, spec, drop = _prepare_conv(x, weight, None, stride, padding, dilation, groups, fname)
    want = (x.shape[0], weight.shape[0]) + spec.out_size
    grad = _check_grad_output(grad_output, want[drop:], fname).reshape(want)
    x, weight, grad = _as_dtype(_result_dtype(x, weight, grad), x, weight, grad)
    return x, weight, grad, spec, drop


def _drop_batch(dx: np.ndarray, dweight: np.ndarray, dbias: np.ndarray, drop: int):
    """The gradients in the caller's form: one image ``(C, H, W)`` drops the batch axis of
    ``dx`` only (its weight is ``(FN, C, FH, FW)`` and its bias ``(FN,)``); one grey image
    ``(H, W)`` also makes the weight ``(FH, FW)`` and the bias a single number."""
    if drop == 2:
        return dx[0, 0], dweight[0, 0], dbias[0]
    return dx[(0,) * drop], dweight, dbias


def conv2d_backward(
    grad_output: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
    *,
    algorithm: str = "auto",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`conv2d` by matrix products: ``(dx, dweight, dbias)``.

    Shapes (the forms of :func:`conv2d`): ``grad_output`` ``(N, FN, OH, OW)`` is dL/d(output);
    returns ``dx`` shaped like ``x``, ``dweight`` like ``weight`` and ``dbias`` ``(FN,)``
    (a single number for one grey image). With ``xs = xpad[n, g*C/groups + c]`` the channel
    of ``f``'s group ``g``:

    - ``dbias[f] = sum_{n,i,j} grad_output[n, f, i, j]``
    - ``dweight[f, c, p, q] = sum_{n,i,j} grad_output[n, f, i, j] * xs[i*sh + p*dh, j*sw + q*dw]``
      (correlate the input with the upstream gradient)
    - ``dxs[i*sh + p*dh, j*sw + q*dw] += grad_output[n, f, i, j] * weight[f, c, p, q]``
      (a full convolution of the gradient with the kernel, that is, the padded gradient
      correlated with the kernel turned by 180 degrees), then the padding is cut off.

    ``algorithm`` as in :func:`conv2d`; with Winograd, the gradients are those of its steps
    (equal to im2col's up to rounding).
    """
    x, weight, grad, spec, drop = _prepare_conv_backward(
        grad_output, x, weight, stride, padding, dilation, groups, "conv2d_backward"
    )
    plan = _plan(algorithm, x, weight, spec, "conv2d_backward")
    if plan.algorithm == "winograd":
        saved = plan, winograd.transform_input(x, spec, threads=plan.threads)
    else:
        saved = plan, _im2col(x, weight.shape[2:], spec)
    dx, dweight, dbias = _conv2d_fast_backward(grad, saved, x.shape, weight, spec)
    return _drop_batch(dx, dweight, dbias, drop)


def conv2d_backward_naive(
    grad_output: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same as :func:`conv2d_backward`, as loops over every output cell.

    Each output cell ``(n, f, i, j)`` was ``sum(window * weight[f]) + bias[f]``, so its
    gradient ``d`` flows to the window (``d * weight[f]``), the filter (``d * window``) and
    the bias (``d``). Slow: for teaching and testing.
    """
    x, weight, grad, spec, drop = _prepare_conv_backward(
        grad_output, x, weight, stride, padding, dilation, groups, "conv2d_backward_naive"
    )
    xp = _pad(x, spec.padding)
    dxp = np.zeros(xp.shape, dtype=x.dtype)
    dweight = np.zeros(weight.shape, dtype=x.dtype)
    dbias = np.zeros(weight.shape[0], dtype=x.dtype)
    for n, f, i, j in np.ndindex(*grad.shape):
        d = grad[n, f, i, j]
        rows, cols = _window(i, j, weight.shape[2:], spec)
        channels = _group_channels(f, weight, spec.groups)
        dxp[n, channels, rows, cols] += d * weight[f]
        dweight[f] += d * xp[n, channels, rows, cols]
        dbias[f] += d
    dx = _unpad(dxp, x.shape, spec.padding)
    return _drop_batch(dx, dweight, dbias, drop)


def conv_transpose2d(
    input: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    output_padding: IntOrPair = 0,
    groups: int = 1,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """The transposed convolution, as ``torch.nn.functional.conv_transpose2d`` (same arguments).

    It is the backward pass of :func:`conv2d` with respect to its input, used as an operation
    of its own: each input cell scatters a copy of the kernel, scaled by its value, into the
    output, ``stride`` cells apart, and overlapping copies add up. So
    ``conv_transpose2d(g, w, stride=s, padding=p)`` is the ``dx`` of ``conv2d(x, w, stride=s,
    padding=p)`` for the upstream gradient ``g``.

    Shapes: ``input`` ``(N, C_in, H, W)`` (or one image ``(C_in, H, W)``); ``weight``
    ``(C_in, C_out/groups, FH, FW)``, the weight of the ``conv2d`` that maps ``C_out``
    channels to ``C_in``; ``bias`` ``(C_out,)``. Returns ``(N, C_out, OH, OW)`` with
    ``OH = (H - 1)*sh - 2*ph + dh*(FH - 1) + output_padding_h + 1`` (likewise ``OW``).
    ``output_padding`` (smaller than the stride or the dilation, as PyTorch requires) adds rows
    and columns at the bottom and right: a strided convolution maps several input sizes to
    one output size, and it picks which one to return. ``padding`` is an int or a pair (no strings, as in PyTorch).
    """
    g = _numeric(input, "input")
    w = _numeric(weight, "weight")
    if g.ndim not in (3, 4) or w.ndim != 4:
        raise ValueError(
            f"conv_transpose2d: input must be (N, C_in, H, W) or (C_in, H, W) and weight "
            f"(C_in, C_out/groups, FH, FW); got input {g.shape} and weight {w.shape}."
        )
    single = g.ndim == 3
    g = g[None] if single else g
    if isinstance(padding, str):
        raise ValueError(f"conv_transpose2d: padding must be an int or an (h, w) pair, as in PyTorch; got {padding!r}.")
    if g.shape[1] != w.shape[0]:
        raise ValueError(
            f"conv_transpose2d: input has {g.shape[1]} channels but weight has {w.shape[0]} rows (dimension 0). "
            f"Transposed, weight (C_in, C_out/groups, FH, FW) reads C_in = {w.shape[0]} channels: it is the "
            f"weight of the conv2d whose output you are transposing back (input {g.shape}, weight {w.shape})."
        )
    groups = check_groups(groups, w.shape[0], w.shape[1] * groups if isinstance(groups, int) and groups > 0 else 1)
    (fh, fw), (sh, sw), (ph, pw) = check_hyper(w.shape[2:], stride, padding)
    dh, dw = check_dilation(dilation)
    oph, opw = check_hyper(1, 1, output_padding)[2]
    if oph >= max(sh, dh) or opw >= max(sw, dw):
        raise ValueError(
            f"conv_transpose2d: output_padding {(oph, opw)} must be smaller than the stride {(sh, sw)} or the "
            f"dilation {(dh, dw)} along each axis, as in PyTorch: it chooses among the input sizes that a "
            "strided convolution maps to one output size."
        )
    out_h = (g.shape[2] - 1) * sh - 2 * ph + dh * (fh - 1) + oph + 1
    out_w = (g.shape[3] - 1) * sw - 2 * pw + dw * (fw - 1) + opw + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(
            f"conv_transpose2d: the output would be {out_h}x{out_w} for input {g.shape} with kernel "
            f"{(fh, fw)}, stride {(sh, sw)}, padding {(ph, pw)}: the padding is too large. Reduce it."
        )
    x_shape = (g.shape[0], w.shape[1] * groups, out_h, out_w)
    dtype = _result_dtype(g, w)
    if oph < sh and opw < sw:
        out = conv2d_backward(g, np.zeros(x_shape, dtype), w, (sh, sw), (ph, pw), (dh, dw), groups)[0]
    else:  # output_padding reaches a full stride: every scattered copy unpadded, then the output's window of it
        full = ((g.shape[2] - 1) * sh + dh * (fh - 1) + 1, (g.shape[3] - 1) * sw + dw * (fw - 1) + 1)
        scattered = conv2d_backward(g, np.zeros((*x_shape[:2], *full), dtype), w, (sh, sw), 0, (dh, dw), groups)[0]
        out = np.zeros(x_shape, dtype)
        rows, cols = min(out_h, full[0] - ph), min(out_w, full[1] - pw)
        out[:, :, :rows, :cols] = scattered[:, :, ph:ph + rows, pw:pw + cols]
    if bias is not None:
        b = _numeric(bias, "bias")
        if b.shape != (x_shape[1],):
            raise ValueError(f"conv_transpose2d: bias must have shape ({x_shape[1]},), one per output channel; got {b.shape}.")
        out = out + b.reshape(1, -1, 1, 1)
    return out[0] if single else out


def im2col(x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair = 1, padding: IntOrPair = 0) -> np.ndarray:
    """Every window of ``x`` as one row of a matrix: convolution becomes one matrix product.

    ``x`` ``(N, C, H, W)`` (or ``(H, W)`` for one grey image) gives ``(N*OH*OW, C*FH*FW)``: row
    ``(n*OH + i)*OW + j`` holds the window under output cell ``(i, j)`` of image ``n``, its
    columns ordered channel, then kernel row, then kernel column, like ``weight.reshape(FN, -1)``.
    So ``im2col(x, (FH, FW)) @ weight.reshape(FN, -1).T`` holds ``conv2d(x, weight)`` as
    ``(N*OH*OW, FN)``. This is the readable form of the matrix that :func:`conv2d` builds
    (internally transposed and batch-last, for speed).
    """
    x = _numeric(x, "x")
    if x.ndim == 2:
        x = x[None, None]
    if x.ndim != 4:
        raise ValueError(f"im2col needs x of shape (N, C, H, W), or (H, W) for one grey image; got {x.shape}.")
    (fh, fw), (sh, sw), (ph, pw) = check_hyper(kernel_size, stride, padding)
    n, c, h, w = x.shape
    if h + 2 * ph < fh or w + 2 * pw < fw:
        raise ValueError(f"im2col: the {fh}x{fw} kernel does not fit in the {h}x{w} input with padding {(ph, pw)}.")
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, (fh, fw), axis=(2, 3))[:, :, ::sh, ::sw]
    # windows: (N, C, OH, OW, FH, FW) -> (N, OH, OW, C, FH, FW)
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * windows.shape[2] * windows.shape[3], c * fh * fw)
