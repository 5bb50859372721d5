"""Community signals (blinker), sent by the services AFTER the change is flushed (not yet committed).

Receivers must not commit; they may add rows to the same session (they commit with the action) or queue
work for after commit. Every signal's sender is given below, with its keyword arguments:

- question_asked(sender=question.author, question=Question)
- answer_posted(sender=answer.author, answer=Answer)
- answer_accepted(sender=by, answer=Answer, by=User)              (also on changing the accepted answer)
- answer_unaccepted(sender=by, answer=Answer, by=User)
- post_voted(sender=voter, post_type="question"|"answer", post=Question|Answer, voter=User, value=1|-1|0)
  (value 0: the vote was retracted)
- badge_awarded(sender=user, user=User, badge_slug=str)
- user_promoted(sender=user, user=User)                            (became superuser automatically)
- question_escalated(sender=by, question=Question, by=User)
- post_hidden(sender=by, post_type=str, post=Question|Answer|Comment, by=User|None)
  (by None: hidden automatically by flags)
- mention(sender=by, user=User, post_type=str, post=Question|Answer|Comment, by=User)
  (one per distinct @username found in a new post's body, never the author)
"""
from blinker import Namespace

_signals = Namespace()

question_asked = _signals.signal("community.question-asked")
answer_posted = _signals.signal("community.answer-posted")
answer_accepted = _signals.signal("community.answer-accepted")
answer_unaccepted = _signals.signal("community.answer-unaccepted")
post_voted = _signals.signal("community.post-voted")
badge_awarded = _signals.signal("community.badge-awarded")
user_promoted = _signals.signal("community.user-promoted")
question_escalated = _signals.signal("community.question-escalated")
post_hidden = _signals.signal("community.post-hidden")
mention = _signals.signal("community.mention")
